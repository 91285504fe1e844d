package io.starling.codec.packet;

import io.starling.codec.PacketType;
import io.starling.codec.property.MqttProperties;
import io.starling.codec.ReasonCode;

import java.util.List;
import java.util.Objects;

/**
 * SUBACK ([MQTT-3.9]): one reason code per SUBSCRIBE entry, in order ([MQTT-3.8.4-6]). For MQTT 3.x every
 * error code is written as 0x80 Failure.
 */
public record SubAck(int packetId, List<ReasonCode> reasonCodes, MqttProperties properties) implements MqttPacket {
    public SubAck {
        reasonCodes = List.copyOf(reasonCodes);
        Objects.requireNonNull(properties, "properties");
    }

    @Override
    public PacketType type() {
        return PacketType.SUBACK;
    }
}
