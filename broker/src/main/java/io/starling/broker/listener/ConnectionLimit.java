package io.starling.broker.listener;

import io.netty.channel.Channel;
import io.starling.broker.metrics.BrokerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listener's {@code max-connections}: counts the connections open on the listener and turns away, as they are
 * accepted and before a byte is read from them, those above the limit. Shared by the listener's event loops.
 */
final class ConnectionLimit {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);

    private final String listenerName;
    private final int maximum;
    private final BrokerMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();
    private final RateLimitedLog refusals = new RateLimitedLog(LOG, Duration.ofSeconds(10));

    /** {@code maximum} 0 means no limit. */
    ConnectionLimit(String listenerName, int maximum, BrokerMetrics metrics) {
        this.listenerName = listenerName;
        this.maximum = maximum;
        this.metrics = metrics;
    }

    /**
     * Counts the new channel in and returns true, or returns false when the listener is full; the caller then
     * closes the channel. A counted channel is counted out when it closes.
     */
    boolean admit(Channel channel) {
        if (maximum == 0) {
            return true;
        }
        if (open.incrementAndGet() > maximum) {
            open.decrementAndGet();
            metrics.connectionOverListenerLimit();
            refusals.warn(() -> "Listener " + listenerName + " is full (max-connections " + maximum
                    + "): closing the new connection from " + channel.remoteAddress());
            return false;
        }
        channel.closeFuture().addListener(closed -> open.decrementAndGet());
        return true;
    }

    /** Connections open now (always 0 without a limit: they are not counted then). */
    int open() {
        return open.get();
    }
}
