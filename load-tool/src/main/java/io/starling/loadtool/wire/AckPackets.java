package io.starling.loadtool.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The four acknowledgements of the QoS 1 and 2 flows, written directly as their four bytes: first byte, remaining
 * length 2, packet identifier. The same bytes are valid in MQTT 3.1.1 and in MQTT 5.0, where a remaining length of
 * 2 means reason code 0x00 Success and no properties (MQTT 5.0 sections 3.4.2.1, 3.5.2.1, 3.6.2.1 and 3.7.2.1).
 * PUBREL has the fixed header flags 0010 ([MQTT-3.6.1-1]).
 */
public final class AckPackets {
    private static final int PUBACK = 0x40;
    private static final int PUBREC = 0x50;
    private static final int PUBREL = 0x62;
    private static final int PUBCOMP = 0x70;

    private AckPackets() {
    }

    public static ByteBuf pubAck(ByteBufAllocator allocator, int packetId) {
        return ack(allocator, PUBACK, packetId);
    }

    public static ByteBuf pubRec(ByteBufAllocator allocator, int packetId) {
        return ack(allocator, PUBREC, packetId);
    }

    public static ByteBuf pubRel(ByteBufAllocator allocator, int packetId) {
        return ack(allocator, PUBREL, packetId);
    }

    public static ByteBuf pubComp(ByteBufAllocator allocator, int packetId) {
        return ack(allocator, PUBCOMP, packetId);
    }

    private static ByteBuf ack(ByteBufAllocator allocator, int firstByte, int packetId) {
        if (packetId < 1 || packetId > 65535) {
            throw new IllegalArgumentException("packet identifier must be 1..65535: " + packetId);
        }
        ByteBuf buffer = allocator.directBuffer(4);
        buffer.writeByte(firstByte);
        buffer.writeByte(2);
        buffer.writeShort(packetId);
        return buffer;
    }
}
