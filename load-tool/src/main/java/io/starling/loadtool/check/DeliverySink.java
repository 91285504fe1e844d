package io.starling.loadtool.check;

import io.netty.buffer.ByteBuf;

/**
 * Where a subscriber hands each message it counts (a QoS 2 message once, however often the broker sends it before
 * PUBREL). Implementations check it against what was sent. Called on the subscriber's event loop; a sink fed by
 * several subscribers (a shared subscription's group) is called from several loops and must lock.
 */
public interface DeliverySink {
    /**
     * @param payload       the message's payload; only valid during the call
     * @param topic         the topic it was published to
     * @param retain        the RETAIN flag as delivered
     * @param receivedNanos System.nanoTime() when the subscriber read it
     */
    void deliver(ByteBuf payload, String topic, boolean retain, long receivedNanos);
}
