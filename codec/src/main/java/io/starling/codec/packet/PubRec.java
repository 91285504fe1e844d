package io.starling.codec.packet;

import io.starling.codec.PacketType;
import io.starling.codec.ReasonCode;
import io.starling.codec.property.MqttProperties;

import java.util.Objects;

/** PUBREC ([MQTT-3.5]). MQTT 3.x carries only the packet identifier; the reason code is then always SUCCESS. */
public record PubRec(int packetId, ReasonCode reasonCode, MqttProperties properties) implements MqttPacket {
    public PubRec {
        Objects.requireNonNull(reasonCode, "reasonCode");
        Objects.requireNonNull(properties, "properties");
    }

    /** A successful PUBREC with no properties. */
    public PubRec(int packetId) {
        this(packetId, ReasonCode.SUCCESS, MqttProperties.EMPTY);
    }

    @Override
    public PacketType type() {
        return PacketType.PUBREC;
    }
}
