package io.starling.broker.storage;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Durable broker state behind one narrow interface. Thread-safe: {@link #write} may be called from any thread;
 * batches are applied in the order their calls return, each atomically.
 */
public interface BrokerStore extends AutoCloseable {

    /** Everything stored, every delivery included: {@code load(Integer.MAX_VALUE)}. */
    default StoreContents load() {
        return load(Integer.MAX_VALUE);
    }

    /**
     * Everything stored, for the broker to rebuild its state at start, with at most {@code deliveriesPerSession}
     * deliveries of each session (its oldest, by sequence); the others stay on disk, counted in
     * {@link StoreContents.RestoredSession#deliveriesOnDisk()}, for {@link #readDeliveries} to bring in later. Called
     * once, before any write.
     */
    StoreContents load(int deliveriesPerSession);

    /**
     * Up to {@code limit} deliveries of a session with a sequence above {@code afterSequence}, in sequence order:
     * how a long queue that lives on disk comes back into memory a page at a time. The read sees every write whose
     * stage completed before the call (it may run beside later writes). Never blocks the caller.
     */
    CompletionStage<List<StoredDelivery>> readDeliveries(String clientId, long afterSequence, int limit);

    /**
     * Applies the operations as one atomic batch. The stage completes when the batch is as durable as the store's
     * {@link Durability} promises (for {@link Durability#SYNC}: fsynced), or fails with a {@link StoreException}.
     * Never blocks the caller.
     */
    CompletionStage<Void> write(List<StoreOperation> operations);

    Durability durability();

    /** Flushes what is pending and releases the engine. */
    @Override
    void close();
}
