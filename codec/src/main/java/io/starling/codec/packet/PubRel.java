package io.starling.codec.packet;

import io.starling.codec.PacketType;
import io.starling.codec.ReasonCode;
import io.starling.codec.property.MqttProperties;

import java.util.Objects;

/** PUBREL ([MQTT-3.6]). MQTT 3.x carries only the packet identifier; the reason code is then always SUCCESS. */
public record PubRel(int packetId, ReasonCode reasonCode, MqttProperties properties) implements MqttPacket {
    public PubRel {
        Objects.requireNonNull(reasonCode, "reasonCode");
        Objects.requireNonNull(properties, "properties");
    }

    /** A successful PUBREL with no properties. */
    public PubRel(int packetId) {
        this(packetId, ReasonCode.SUCCESS, MqttProperties.EMPTY);
    }

    @Override
    public PacketType type() {
        return PacketType.PUBREL;
    }
}
