package io.starling.codec.packet;

import io.starling.codec.PacketType;
import io.starling.codec.ReasonCode;
import io.starling.codec.property.MqttProperties;

import java.util.Objects;

/** DISCONNECT ([MQTT-3.14]). MQTT 3.x has neither reason code nor properties: SUCCESS and EMPTY. */
public record Disconnect(ReasonCode reasonCode, MqttProperties properties) implements MqttPacket {
    public static final Disconnect NORMAL = new Disconnect(ReasonCode.NORMAL_DISCONNECTION, MqttProperties.EMPTY);

    public Disconnect {
        Objects.requireNonNull(reasonCode, "reasonCode");
        Objects.requireNonNull(properties, "properties");
    }

    @Override
    public PacketType type() {
        return PacketType.DISCONNECT;
    }
}
