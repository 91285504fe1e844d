package io.starling.broker.listener;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * At most one log line per interval for events a client can cause at will (refused connections, bad handshakes),
 * so that a flood of them cannot flood the log; the next line that gets through says how many were left out.
 * Thread-safe: the event loops of one listener share one instance.
 */
final class RateLimitedLog {
    private final Logger logger;
    private final long intervalNanos;
    private final AtomicLong nextAllowedNanos;
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(Logger logger, Duration interval) {
        this.logger = logger;
        this.intervalNanos = interval.toNanos();
        this.nextAllowedNanos = new AtomicLong(System.nanoTime());
    }

    /** Logs the message at INFO unless a line was logged less than one interval ago. */
    void info(Supplier<String> message) {
        if (logger.isInfoEnabled() && acquire()) {
            logger.info(withSuppressedCount(message.get()));
        }
    }

    /** Logs the message at WARN unless a line was logged less than one interval ago. */
    void warn(Supplier<String> message) {
        if (logger.isWarnEnabled() && acquire()) {
            logger.warn(withSuppressedCount(message.get()));
        }
    }

    private boolean acquire() {
        long now = System.nanoTime();
        long allowed = nextAllowedNanos.get();
        if (now - allowed >= 0 && nextAllowedNanos.compareAndSet(allowed, now + intervalNanos)) {
            return true;
        }
        suppressed.incrementAndGet();
        return false;
    }

    private String withSuppressedCount(String message) {
        long left = suppressed.getAndSet(0);
        return left == 0 ? message : message + " (" + left + " similar line(s) left out)";
    }
}
