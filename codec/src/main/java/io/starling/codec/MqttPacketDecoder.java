package io.starling.codec;

import io.netty.buffer.ByteBuf;
import io.starling.codec.packet.MqttPacket;

/**
 * Decodes MQTT packets from a byte stream, one connection's worth of state (the protocol version, learned from
 * CONNECT or set up front by a client). Not thread-safe: one instance per connection.
 */
public final class MqttPacketDecoder {

    /** Largest packet the protocol can express: 268,435,455 bytes of remaining length plus a 5-byte fixed header. */
    public static final int PROTOCOL_MAXIMUM_PACKET_SIZE = 268_435_455 + 5;

    private final int maximumPacketSize;
    private MqttVersion version;

    /**
     * @param maximumPacketSize the largest whole packet (fixed header included) accepted; a larger one fails
     *                          with {@link ReasonCode#PACKET_TOO_LARGE} as soon as its fixed header is read
     * @param version           the version to decode, or null on the server side until CONNECT arrives
     */
    public MqttPacketDecoder(int maximumPacketSize, MqttVersion version) {
        this.maximumPacketSize = maximumPacketSize;
        this.version = version;
    }

    public MqttVersion version() {
        return version;
    }

    public void version(MqttVersion version) {
        this.version = version;
    }

    /**
     * Decodes one packet from {@code in}. Returns null, with the reader index untouched, when {@code in} does not
     * yet hold a whole packet; on success advances the reader index past the packet. A PUBLISH payload is a
     * retained slice of {@code in}. Throws {@link MqttDecodeException} for any violation, including a packet
     * over the maximum size (detected from the fixed header before the body arrives).
     */
    public MqttPacket decode(ByteBuf in) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
