package io.starling.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.starling.codec.packet.MqttPacket;

/** Encodes packets for a given protocol version. Stateless and thread-safe. */
public final class MqttPacketEncoder {

    private MqttPacketEncoder() {
    }

    /**
     * Encodes a packet. The packet is not released; for a PUBLISH, the result may hold a retained duplicate of
     * the payload instead of a copy, so the caller may release its own reference at once.
     */
    public static ByteBuf encode(ByteBufAllocator allocator, MqttPacket packet, MqttVersion version) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** The size in bytes of the encoded packet, fixed header included, without encoding it. */
    public static int encodedSize(MqttPacket packet, MqttVersion version) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
