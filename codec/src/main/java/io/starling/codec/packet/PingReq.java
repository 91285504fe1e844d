package io.starling.codec.packet;

import io.starling.codec.PacketType;

/** PINGREQ ([MQTT-3.12]). */
public record PingReq() implements MqttPacket {
    public static final PingReq INSTANCE = new PingReq();

    @Override
    public PacketType type() {
        return PacketType.PINGREQ;
    }
}
