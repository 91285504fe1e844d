package io.starling.codec.packet;

import io.starling.codec.PacketType;
import io.starling.codec.ReasonCode;
import io.starling.codec.property.MqttProperties;

import java.util.Objects;

/** PUBCOMP ([MQTT-3.7]). MQTT 3.x carries only the packet identifier; the reason code is then always SUCCESS. */
public record PubComp(int packetId, ReasonCode reasonCode, MqttProperties properties) implements MqttPacket {
    public PubComp {
        Objects.requireNonNull(reasonCode, "reasonCode");
        Objects.requireNonNull(properties, "properties");
    }

    /** A successful PUBCOMP with no properties. */
    public PubComp(int packetId) {
        this(packetId, ReasonCode.SUCCESS, MqttProperties.EMPTY);
    }

    @Override
    public PacketType type() {
        return PacketType.PUBCOMP;
    }
}
