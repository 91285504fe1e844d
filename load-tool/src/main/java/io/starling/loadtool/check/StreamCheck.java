package io.starling.loadtool.check;

import io.netty.buffer.ByteBuf;
import io.starling.loadtool.wire.PayloadStamp;

import java.util.List;

/**
 * The checks of one receiver: a subscriber, or the group of subscribers of one shared subscription, which
 * together should receive each message once. One {@link SequenceTracker} per publisher the receiver should hear
 * from; a message from any other publisher, or without a stamp, is unexpected.
 *
 * <p>Methods lock the instance: a shared group's subscribers may run on different event loops, and the lock also
 * publishes the counts to the thread that summarises the run. Uncontended in the common case (one subscriber).
 */
public final class StreamCheck implements DeliverySink {
    private final SequenceTracker[] byPublisher;
    private long unexpected;

    /**
     * @param publishers how many publishers the run has (stamps carry 0..publishers-1)
     * @param expected   the publishers this receiver should hear from
     */
    public StreamCheck(int publishers, List<Integer> expected) {
        this.byPublisher = new SequenceTracker[publishers];
        for (int publisher : expected) {
            byPublisher[publisher] = new SequenceTracker();
        }
    }

    @Override
    public synchronized void deliver(ByteBuf payload, String topic, boolean retain, long receivedNanos) {
        if (!PayloadStamp.fits(payload)) {
            unexpected++;
            return;
        }
        int publisher = PayloadStamp.publisher(payload);
        SequenceTracker tracker = publisher >= 0 && publisher < byPublisher.length ? byPublisher[publisher] : null;
        if (tracker == null || tracker.record(PayloadStamp.sequence(payload)) == SequenceTracker.Outcome.INVALID) {
            unexpected++;
        }
    }

    /** Messages counted once, over all publishers: how far a run is from {@link #expected}. */
    public synchronized long received() {
        long received = 0;
        for (SequenceTracker tracker : byPublisher) {
            if (tracker != null) {
                received += tracker.received();
            }
        }
        return received;
    }

    /** Deliveries this receiver should get, given how many messages each publisher sent. */
    public synchronized long expected(long[] publishedBy) {
        long expected = 0;
        for (int publisher = 0; publisher < byPublisher.length; publisher++) {
            if (byPublisher[publisher] != null) {
                expected += publishedBy[publisher];
            }
        }
        return expected;
    }

    /** The verdict, given how many messages each publisher sent ({@code publishedBy[publisher]}). */
    public synchronized DeliveryCounts counts(long[] publishedBy) {
        long received = 0;
        long lost = 0;
        long duplicates = 0;
        long reordered = 0;
        long strays = unexpected;
        for (int publisher = 0; publisher < byPublisher.length; publisher++) {
            SequenceTracker tracker = byPublisher[publisher];
            if (tracker == null) {
                continue;
            }
            long published = publishedBy[publisher];
            long beyond = tracker.beyond(published);
            received += tracker.received() - beyond;
            lost += tracker.lost(published);
            duplicates += tracker.duplicates();
            reordered += tracker.reordered();
            strays += beyond;
        }
        return new DeliveryCounts(expected(publishedBy), received, lost, duplicates, reordered, strays);
    }
}
