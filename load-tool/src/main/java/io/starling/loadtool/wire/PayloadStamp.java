package io.starling.loadtool.wire;

import io.netty.buffer.ByteBuf;

/**
 * The first {@value #SIZE} bytes of every payload the load tool sends, so that each receiver can check what it got:
 * <pre>
 *   offset 0  int   publisher number (0..publishers-1 of the run)
 *   offset 4  int   sequence number of the message in that publisher's stream, from 0, no gaps
 *   offset 8  long  send time, System.nanoTime() of the tool's JVM (fixed-rate mode: the intended send time)
 * </pre>
 * Big-endian, as Netty writes by default. The rest of the payload is filler. Publisher and subscribers run in the
 * same JVM, so the receive time minus the send time is an end-to-end latency on one clock.
 */
public final class PayloadStamp {
    /** Bytes taken by the stamp: the smallest payload the tool sends. */
    public static final int SIZE = 16;

    private static final int PUBLISHER_OFFSET = 0;
    private static final int SEQUENCE_OFFSET = 4;
    private static final int TIMESTAMP_OFFSET = 8;

    private PayloadStamp() {
    }

    /** Writes the stamp at {@code payloadIndex} of {@code buffer}, without moving its indexes. */
    public static void write(ByteBuf buffer, int payloadIndex, int publisher, int sequence, long sentNanos) {
        buffer.setInt(payloadIndex + PUBLISHER_OFFSET, publisher);
        buffer.setInt(payloadIndex + SEQUENCE_OFFSET, sequence);
        buffer.setLong(payloadIndex + TIMESTAMP_OFFSET, sentNanos);
    }

    /** Whether the readable bytes of {@code payload} can hold a stamp. */
    public static boolean fits(ByteBuf payload) {
        return payload.readableBytes() >= SIZE;
    }

    public static int publisher(ByteBuf payload) {
        return payload.getInt(payload.readerIndex() + PUBLISHER_OFFSET);
    }

    public static int sequence(ByteBuf payload) {
        return payload.getInt(payload.readerIndex() + SEQUENCE_OFFSET);
    }

    public static long sentNanos(ByteBuf payload) {
        return payload.getLong(payload.readerIndex() + TIMESTAMP_OFFSET);
    }
}
