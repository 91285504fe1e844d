package io.starling.loadtool.client;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.starling.loadtool.report.LatencySummary;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One event loop of the tool and what its connections share: the latency and CONNACK histograms (one per loop,
 * not per connection, so a thousand subscribers do not hold a thousand histograms) and the fixed-rate publishers
 * it paces with a single timer, set for the earliest message due. Everything but {@link #eventLoop()} is owned by
 * the loop's thread.
 */
public final class Loop {
    private final EventLoop eventLoop;
    private final int index;
    private final Histogram latency = LatencySummary.newHistogram();
    private final Histogram connack = LatencySummary.newHistogram();
    private final List<PublisherConnection> paced = new ArrayList<>();
    private ScheduledFuture<?> timer;
    private long timerDeadline = Long.MAX_VALUE;

    Loop(EventLoop eventLoop, int index) {
        this.eventLoop = eventLoop;
        this.index = index;
    }

    public EventLoop eventLoop() {
        return eventLoop;
    }

    public int index() {
        return index;
    }

    /** End-to-end latencies of messages sent inside the measured window, in nanoseconds. */
    public Histogram latency() {
        return latency;
    }

    /** Connect-to-CONNACK times, in nanoseconds. */
    public Histogram connack() {
        return connack;
    }

    /** Paces a fixed-rate publisher from now on. */
    void pace(PublisherConnection publisher) {
        paced.add(publisher);
        wakeAt(publisher.nextDueNanos());
    }

    void unpace(PublisherConnection publisher) {
        paced.remove(publisher);
        if (paced.isEmpty() && timer != null) {
            timer.cancel(false);
            timer = null;
            timerDeadline = Long.MAX_VALUE;
        }
    }

    /**
     * Makes the timer fire no later than {@code deadline} (System.nanoTime()); Long.MAX_VALUE asks nothing. The
     * timer fires at the next message due, not on a fixed tick: a tick would delay messages by up to its period,
     * and the stamped intended send times would charge that delay to the broker's latency.
     */
    void wakeAt(long deadline) {
        if (deadline == Long.MAX_VALUE || deadline >= timerDeadline) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerDeadline = deadline;
        timer = eventLoop.schedule(this::tick, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void tick() {
        timer = null;
        timerDeadline = Long.MAX_VALUE;
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        // A copy: a publisher that finishes removes itself from the list.
        for (PublisherConnection publisher : List.copyOf(paced)) {
            publisher.tick(now);
            next = Math.min(next, publisher.nextDueNanos());
        }
        wakeAt(next);
    }
}
