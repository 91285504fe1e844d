package io.starling.loadtool.check;

import io.netty.buffer.ByteBuf;
import io.starling.loadtool.wire.PayloadStamp;

import java.util.BitSet;

/**
 * The checks of the retained scenario's new subscriber: retained message {@code i} was stored on topic
 * {@code <prefix>/<i>} with sequence number {@code i} in its stamp; each must arrive once, with the RETAIN flag set
 * (MQTT 3.1.1 [MQTT-3.3.1-8]: a retained message sent because of a new subscription has RETAIN 1). The order is
 * the broker's to choose, so only loss and duplication are counted. One subscriber, one event loop: locked only to
 * publish the counts to the thread that reads them.
 */
public final class RetainedCheck implements DeliverySink {
    private final String topicPrefix;
    private final int count;
    private final BitSet seen;
    private long distinct;
    private long duplicates;
    private long unexpected;
    private long flagMissing;
    private long lastNanos;

    /**
     * @param topicPrefix the topics' common prefix, with its trailing '/'
     * @param count       how many retained messages were stored
     */
    public RetainedCheck(String topicPrefix, int count) {
        this.topicPrefix = topicPrefix;
        this.count = count;
        this.seen = new BitSet(count);
    }

    @Override
    public synchronized void deliver(ByteBuf payload, String topic, boolean retain, long receivedNanos) {
        int index = PayloadStamp.fits(payload) ? PayloadStamp.sequence(payload) : -1;
        if (index < 0 || index >= count || !topic.equals(topicPrefix + index)) {
            unexpected++;
            return;
        }
        if (!retain) {
            flagMissing++;
        }
        if (seen.get(index)) {
            duplicates++;
            return;
        }
        seen.set(index);
        distinct++;
        lastNanos = receivedNanos;
    }

    public synchronized long distinct() {
        return distinct;
    }

    /** When the last new retained message arrived (System.nanoTime()), 0 before the first. */
    public synchronized long lastNanos() {
        return lastNanos;
    }

    public synchronized long flagMissing() {
        return flagMissing;
    }

    public synchronized DeliveryCounts counts() {
        return new DeliveryCounts(count, distinct, count - distinct, duplicates, 0, unexpected);
    }
}
