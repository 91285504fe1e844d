package io.starling.it.storage;

import io.starling.broker.storage.BrokerStore;
import io.starling.broker.storage.Durability;
import io.starling.broker.storage.InMemoryStore;
import io.starling.broker.storage.StoreContents;
import io.starling.broker.storage.StoreException;
import io.starling.broker.storage.StoreOperation;
import io.starling.broker.storage.StoredDelivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The broker's in-memory store with two switches, to watch what the broker does while a write is not yet durable
 * and when one fails: {@link #hold()} keeps writes pending until {@link #release()}, {@link #failWith} makes them
 * fail as a full disk or a broken one would. What the broker sees is only the store interface; the disk-level
 * behaviour of the real engine (RocksDB refusing writes at ENOSPC and recovering) is tested in storage-rocksdb.
 */
final class ControlledStore implements BrokerStore {
    private final InMemoryStore inner = new InMemoryStore();
    private final List<Pending> held = new ArrayList<>();
    private boolean holding;
    private String failure;
    private int writes;

    private record Pending(List<StoreOperation> operations, CompletableFuture<Void> done) {
    }

    @Override
    public StoreContents load(int deliveriesPerSession) {
        return inner.load(deliveriesPerSession);
    }

    @Override
    public CompletionStage<List<StoredDelivery>> readDeliveries(String clientId, long afterSequence, int limit) {
        return inner.readDeliveries(clientId, afterSequence, limit);
    }

    @Override
    public synchronized CompletionStage<Void> write(List<StoreOperation> operations) {
        writes++;
        if (failure != null) {
            return CompletableFuture.failedFuture(new StoreException("cannot write the store: " + failure));
        }
        if (holding) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            held.add(new Pending(List.copyOf(operations), done));
            return done;
        }
        return inner.write(operations);
    }

    /** From now on writes stay pending. */
    synchronized void hold() {
        holding = true;
    }

    /** Applies the pending writes in order and completes them; later writes go straight through. */
    void release() {
        List<Pending> releasing;
        synchronized (this) {
            holding = false;
            releasing = List.copyOf(held);
            held.clear();
        }
        for (Pending pending : releasing) {
            inner.write(pending.operations()).whenComplete((ignored, error) -> {
                if (error != null) {
                    pending.done().completeExceptionally(error);
                } else {
                    pending.done().complete(null);
                }
            });
        }
    }

    synchronized int heldWrites() {
        return held.size();
    }

    synchronized int writes() {
        return writes;
    }

    /** From now on writes fail with this reason (null: they succeed again). */
    synchronized void failWith(String reason) {
        failure = reason;
    }

    @Override
    public Durability durability() {
        return Durability.SYNC;
    }

    @Override
    public void close() {
        release();
        inner.close();
    }
}
