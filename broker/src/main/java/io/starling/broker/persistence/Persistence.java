package io.starling.broker.persistence;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.routing.ApplicationMessage;
import io.starling.broker.routing.Delivery;
import io.starling.broker.session.SessionSubscription;
import io.starling.broker.storage.BrokerStore;
import io.starling.broker.storage.DeliveryState;
import io.starling.broker.storage.Durability;
import io.starling.broker.storage.StoreOperation;
import io.starling.broker.storage.StoredDelivery;
import io.starling.broker.storage.StoredMessage;
import io.starling.broker.storage.StoredSubscription;
import io.starling.codec.ReasonCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker's side of the store: turns changes of state into {@link StoreOperation}s, hands them to the
 * {@link BrokerStore}, and converts between the broker's values and the stored ones. Without a store (durability
 * {@code none}) every write is a completed no-op, so the broker runs one code path either way and pays nothing for
 * storage it does not have.
 *
 * <p>What is stored: persistent sessions (session expiry above 0) with their subscriptions, their QoS 1 and 2
 * deliveries (queued or in flight) and the QoS 2 identifiers their clients sent and have not released; retained
 * messages; delayed wills. Sessions that end with their connection are never written.
 *
 * <p>Thread-safe: called from every event loop. Writes of one thread reach the store in call order.
 */
public final class Persistence {
    private static final Logger LOG = LoggerFactory.getLogger(Persistence.class);
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);
    /** While writes keep failing, one log line per this many failures. */
    private static final long FAILURES_PER_LOG_LINE = 1000;

    private final BrokerStore store;
    private final BrokerMetrics metrics;
    private final AtomicLong lastSequence = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    /** {@code store} may be null: nothing is stored. */
    public Persistence(BrokerStore store, BrokerMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    public boolean isEnabled() {
        return store != null;
    }

    public Durability durability() {
        return store == null ? Durability.NONE : store.durability();
    }

    /** A new delivery sequence: increasing across the broker, so also within each session. */
    public long nextSequence() {
        return lastSequence.incrementAndGet();
    }

    /** Called once at start with the highest sequence found in the store. */
    void continueSequencesAfter(long highest) {
        lastSequence.accumulateAndGet(highest, Math::max);
    }

    /**
     * Writes one atomic batch; the stage completes when it is as durable as the store promises, on a store
     * thread (callers hop back to their own executor). Empty batches and a broker without a store complete at once.
     */
    public CompletionStage<Void> write(List<StoreOperation> operations) {
        if (store == null || operations.isEmpty()) {
            return DONE;
        }
        CompletionStage<Void> written;
        try {
            written = store.write(operations);
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e); // the contract says it never throws; be safe anyway
        }
        return written.whenComplete((ignored, error) -> {
            if (error != null) {
                recordFailure(error);
            }
        });
    }

    /** A page of a session's queue read back from disk (see {@link BrokerStore#readDeliveries}); none without a store. */
    public CompletionStage<List<StoredDelivery>> readDeliveries(String clientId, long afterSequence, int limit) {
        if (store == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        try {
            return store.readDeliveries(clientId, afterSequence, limit);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Writes a batch nobody waits for: a failure is logged and counted, the broker goes on. */
    public void writeInBackground(List<StoreOperation> operations) {
        write(operations);
    }

    public void writeInBackground(StoreOperation operation) {
        if (store != null) {
            write(List.of(operation));
        }
    }

    private void recordFailure(Throwable error) {
        metrics.storeWriteFailed();
        long count = failures.incrementAndGet();
        if (count == 1 || count % FAILURES_PER_LOG_LINE == 0) {
            LOG.error("Store write failed ({} failures so far): {}", count, rootMessage(error));
        }
    }

    /**
     * The MQTT 5 reason code that tells a publisher its message was not stored: 0x97 Quota exceeded when the disk
     * is full or the store cannot keep up (retrying later may succeed), 0x80 Unspecified error for anything else.
     */
    public static ReasonCode refusalReason(Throwable error) {
        String message = rootMessage(error).toLowerCase(java.util.Locale.ROOT);
        return message.contains("no space") || message.contains("nospace") || message.contains("queue is full")
                || message.contains("quota") ? ReasonCode.QUOTA_EXCEEDED : ReasonCode.UNSPECIFIED_ERROR;
    }

    static String rootMessage(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause.getMessage() != null) {
                if (!text.isEmpty()) {
                    text.append(": ");
                }
                text.append(cause.getMessage());
            }
        }
        return text.isEmpty() ? error.getClass().getSimpleName() : text.toString();
    }

    // ---- conversions ----------------------------------------------------------------------------------------

    /** The stored form of a message; copies the payload bytes (once per message, whatever the fan-out). */
    public static StoredMessage stored(ApplicationMessage message) {
        return new StoredMessage(message.topic(), message.qos(), message.retain(), message.properties(),
                ByteBufUtil.getBytes(message.payload()), message.expiresAtMillis(), message.publisherClientId());
    }

    /** A message read back from the store, holding the one reference to its own payload. */
    public static ApplicationMessage restored(StoredMessage message) {
        return new ApplicationMessage(message.topic(), message.qos(), message.retain(), message.properties(),
                Unpooled.wrappedBuffer(message.payload()), message.expiresAtMillis(), message.publisherClientId());
    }

    public static StoredDelivery queued(Delivery delivery, StoredMessage message) {
        return new StoredDelivery(delivery.sequence(), message, delivery.qos(), delivery.retainFlag(),
                delivery.subscriptionIdentifiers(), 0, DeliveryState.QUEUED);
    }

    public static StoredSubscription stored(SessionSubscription subscription) {
        return new StoredSubscription(subscription.topicFilter(), subscription.options(),
                subscription.subscriptionIdentifier());
    }
}
