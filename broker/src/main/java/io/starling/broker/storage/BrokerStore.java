package io.starling.broker.storage;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Durable broker state behind one narrow interface. Thread-safe: {@link #write} may be called from any thread;
 * batches are applied in the order their calls return, each atomically.
 */
public interface BrokerStore extends AutoCloseable {

    /** Everything stored, for the broker to rebuild its state at start. Called once, before any write. */
    StoreContents load();

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
