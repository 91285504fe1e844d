package io.starling.broker.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How sessions keep state for their clients.
 *
 * @param maximumSessionExpiry  the longest session expiry the broker grants; MQTT 5 clients asking for more are
 *                              told this value in CONNACK. Default 4294967295 s (never expires, the protocol's
 *                              maximum).
 * @param persistentSessionExpiry how long the session of a MQTT 3.x client connected with Clean Session 0 is kept
 *                              after it disconnects; 3.x has no expiry of its own. Default 0: kept until the
 *                              client cleans it, as 3.1.1 says.
 * @param maximumInflight       the most QoS 1 and 2 messages sent to a client and not yet acknowledged; the
 *                              client's own Receive Maximum lowers it. Default 100.
 * @param maximumQueuedMessages the most messages held for a session beyond its in-flight window, online or
 *                              offline. Default 1000.
 * @param maximumQueuedBytes    the most payload bytes held in that queue. Default 16 MiB.
 * @param queueOverflowPolicy   what to drop when the queue is full. Default {@code drop-new}.
 * @param queueQos0WhenOffline  whether QoS 0 messages are queued for offline persistent sessions (the spec
 *                              allows it, most clients do not expect it). Default false.
 * @param maximumSubscriptionsPerClient the most subscriptions one session may hold; further SUBSCRIBE entries are
 *                              refused with 0x97 Quota exceeded (3.x: 0x80). 0: no limit. Default 0.
 * @param queuedMessagesInMemory for a session kept in the store, how many of its queued messages stay in memory;
 *                              the rest of its queue (up to {@code maximumQueuedMessages}) lives only on disk and
 *                              is read back a page at a time as the client takes messages, so a long offline queue
 *                              costs disk, not heap. Pages are half this size, so it also sets how much one
 *                              read brings back. Default 1000 (the default queue limit: nothing lives only on disk
 *                              until the queue limit is raised).
 */
public record SessionConfig(Duration maximumSessionExpiry, Duration persistentSessionExpiry, int maximumInflight,
                            int maximumQueuedMessages, long maximumQueuedBytes, QueueOverflowPolicy queueOverflowPolicy,
                            boolean queueQos0WhenOffline, int maximumSubscriptionsPerClient,
                            int queuedMessagesInMemory) {
    public static final long NEVER_EXPIRES = 0xFFFF_FFFFL;

    public static final SessionConfig DEFAULT = new SessionConfig(Duration.ofSeconds(NEVER_EXPIRES), Duration.ZERO, 100,
            1000, 16L * 1024 * 1024, QueueOverflowPolicy.DROP_NEW, false, 0, 1000);

    /** With the default number of queued messages kept in memory. */
    public SessionConfig(Duration maximumSessionExpiry, Duration persistentSessionExpiry, int maximumInflight,
                         int maximumQueuedMessages, long maximumQueuedBytes, QueueOverflowPolicy queueOverflowPolicy,
                         boolean queueQos0WhenOffline, int maximumSubscriptionsPerClient) {
        this(maximumSessionExpiry, persistentSessionExpiry, maximumInflight, maximumQueuedMessages, maximumQueuedBytes,
                queueOverflowPolicy, queueQos0WhenOffline, maximumSubscriptionsPerClient, 1000);
    }

    /** Without a subscription limit. */
    public SessionConfig(Duration maximumSessionExpiry, Duration persistentSessionExpiry, int maximumInflight,
                         int maximumQueuedMessages, long maximumQueuedBytes, QueueOverflowPolicy queueOverflowPolicy,
                         boolean queueQos0WhenOffline) {
        this(maximumSessionExpiry, persistentSessionExpiry, maximumInflight, maximumQueuedMessages, maximumQueuedBytes,
                queueOverflowPolicy, queueQos0WhenOffline, 0);
    }

    public SessionConfig {
        if (maximumSubscriptionsPerClient < 0) {
            throw new IllegalArgumentException("session.maximum-subscriptions-per-client must not be negative");
        }
        if (maximumSessionExpiry == null || maximumSessionExpiry.isNegative()
                || maximumSessionExpiry.toSeconds() > NEVER_EXPIRES) {
            throw new IllegalArgumentException("session.maximum-session-expiry must be 0.." + NEVER_EXPIRES + " s");
        }
        if (persistentSessionExpiry == null || persistentSessionExpiry.isNegative()) {
            throw new IllegalArgumentException("session.persistent-session-expiry must not be negative");
        }
        if (maximumInflight < 1 || maximumInflight > 65535) {
            throw new IllegalArgumentException("session.maximum-inflight must be 1..65535: " + maximumInflight);
        }
        if (maximumQueuedMessages < 0) {
            throw new IllegalArgumentException("session.maximum-queued-messages must not be negative");
        }
        if (maximumQueuedBytes < 0) {
            throw new IllegalArgumentException("session.maximum-queued-bytes must not be negative");
        }
        if (queuedMessagesInMemory < 1) {
            throw new IllegalArgumentException("session.queued-messages-in-memory must be at least 1: "
                    + queuedMessagesInMemory);
        }
        queueOverflowPolicy = Objects.requireNonNullElse(queueOverflowPolicy, QueueOverflowPolicy.DROP_NEW);
    }
}
