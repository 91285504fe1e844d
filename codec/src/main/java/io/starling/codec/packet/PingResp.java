package io.starling.codec.packet;

import io.starling.codec.PacketType;

/** PINGRESP ([MQTT-3.13]). */
public record PingResp() implements MqttPacket {
    public static final PingResp INSTANCE = new PingResp();

    @Override
    public PacketType type() {
        return PacketType.PINGRESP;
    }
}
