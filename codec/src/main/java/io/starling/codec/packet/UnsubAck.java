package io.starling.codec.packet;

import io.starling.codec.PacketType;
import io.starling.codec.ReasonCode;
import io.starling.codec.property.MqttProperties;

import java.util.List;
import java.util.Objects;

/**
 * UNSUBACK ([MQTT-3.11]). MQTT 5.0 carries one reason code per filter; MQTT 3.x carries none, so the list is
 * empty when decoded from 3.x and ignored when encoding for 3.x.
 */
public record UnsubAck(int packetId, List<ReasonCode> reasonCodes, MqttProperties properties) implements MqttPacket {
    public UnsubAck {
        reasonCodes = List.copyOf(reasonCodes);
        Objects.requireNonNull(properties, "properties");
    }

    @Override
    public PacketType type() {
        return PacketType.UNSUBACK;
    }
}
