package io.starling.codec.packet;

import io.starling.codec.PacketType;
import io.starling.codec.ReasonCode;
import io.starling.codec.property.MqttProperties;

import java.util.Objects;

/** PUBACK ([MQTT-3.4]). MQTT 3.x carries only the packet identifier; the reason code is then always SUCCESS. */
public record PubAck(int packetId, ReasonCode reasonCode, MqttProperties properties) implements MqttPacket {
    public PubAck {
        Objects.requireNonNull(reasonCode, "reasonCode");
        Objects.requireNonNull(properties, "properties");
    }

    /** A successful PUBACK with no properties. */
    public PubAck(int packetId) {
        this(packetId, ReasonCode.SUCCESS, MqttProperties.EMPTY);
    }

    @Override
    public PacketType type() {
        return PacketType.PUBACK;
    }
}
