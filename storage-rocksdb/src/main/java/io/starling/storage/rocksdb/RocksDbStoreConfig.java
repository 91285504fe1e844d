package io.starling.storage.rocksdb;

import io.starling.broker.storage.Durability;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RocksDbStore} writes.
 *
 * @param durability    {@link Durability#SYNC} (a write completes once fsynced; writes queued together share one
 *                      fsync) or {@link Durability#PERIODIC} (a write completes once in the write-ahead log, which
 *                      is fsynced every {@code flushInterval}: a machine crash or power loss can lose up to that
 *                      much acknowledged data; a crash of the broker process alone loses nothing)
 * @param flushInterval how often the log is fsynced in {@code PERIODIC} mode; ignored in {@code SYNC} mode
 * @param queueCapacity how many batches may wait for the writer; a write beyond that fails at once (the store
 *                      never blocks its caller), so the broker sees that the disk does not keep up
 * @param maxGroupSize  at most this many batches share one write (and one fsync)
 */
public record RocksDbStoreConfig(Durability durability, Duration flushInterval, int queueCapacity, int maxGroupSize) {

    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(100);
    public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
    public static final int DEFAULT_MAX_GROUP_SIZE = 4_096;

    public RocksDbStoreConfig {
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(flushInterval, "flushInterval");
        if (durability == Durability.NONE) {
            throw new IllegalArgumentException("durability none is the in-memory store, not RocksDB");
        }
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("flushInterval must be positive: " + flushInterval);
        }
        if (queueCapacity < 1 || maxGroupSize < 1) {
            throw new IllegalArgumentException("queueCapacity and maxGroupSize must be at least 1");
        }
    }

    /** Every write fsynced before it completes, with group commit. */
    public static RocksDbStoreConfig sync() {
        return new RocksDbStoreConfig(Durability.SYNC, DEFAULT_FLUSH_INTERVAL, DEFAULT_QUEUE_CAPACITY,
                DEFAULT_MAX_GROUP_SIZE);
    }

    /** Writes complete once in the log; the log is fsynced every {@code flushInterval}. */
    public static RocksDbStoreConfig periodic(Duration flushInterval) {
        return new RocksDbStoreConfig(Durability.PERIODIC, flushInterval, DEFAULT_QUEUE_CAPACITY,
                DEFAULT_MAX_GROUP_SIZE);
    }

    public RocksDbStoreConfig withQueueCapacity(int capacity) {
        return new RocksDbStoreConfig(durability, flushInterval, capacity, maxGroupSize);
    }

    public RocksDbStoreConfig withMaxGroupSize(int size) {
        return new RocksDbStoreConfig(durability, flushInterval, queueCapacity, size);
    }
}
