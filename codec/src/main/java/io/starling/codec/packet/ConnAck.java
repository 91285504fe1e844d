package io.starling.codec.packet;

import io.starling.codec.PacketType;
import io.starling.codec.ReasonCode;
import io.starling.codec.property.MqttProperties;

import java.util.Objects;

/**
 * CONNACK ([MQTT-3.2]). For MQTT 3.x the reason code is mapped to a connect return code by the encoder
 * ({@link ReasonCode#toV3ConnectReturnCode()}).
 */
public record ConnAck(boolean sessionPresent, ReasonCode reasonCode, MqttProperties properties) implements MqttPacket {
    public ConnAck {
        Objects.requireNonNull(reasonCode, "reasonCode");
        Objects.requireNonNull(properties, "properties");
    }

    @Override
    public PacketType type() {
        return PacketType.CONNACK;
    }
}
