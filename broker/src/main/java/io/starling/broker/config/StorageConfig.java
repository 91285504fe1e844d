package io.starling.broker.config;

import io.starling.broker.storage.Durability;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how durably the broker keeps what it must not forget: persistent sessions, their subscriptions and
 * queued or in-flight QoS 1 and 2 messages, inbound QoS 2 identifiers, retained messages and delayed wills. The
 * core only states the settings; {@code starling broker} opens the store engine they name (see the storage-rocksdb
 * module) and an embedding program passes its own store, or none, to {@code Broker}.
 *
 * @param durability    {@code sync}: a QoS 1 or 2 PUBLISH is acknowledged (PUBACK, PUBREC) only once what it
 *                      changed is fsynced, many messages sharing one fsync (group commit); {@code periodic}: once
 *                      it is in the store's log, which is fsynced every {@code flush-interval}, so a power loss or
 *                      an operating system crash may lose that window (a crash of the broker alone loses nothing);
 *                      {@code none}: nothing is written, everything is lost at a restart. Default {@code sync}.
 * @param dataDirectory the directory of the store, created when missing; relative paths are resolved against the
 *                      broker's working directory. Default {@code ./data}.
 * @param flushInterval how often the log is fsynced in {@code periodic} mode. Default 100 ms.
 */
public record StorageConfig(Durability durability, String dataDirectory, Duration flushInterval) {

    public static final StorageConfig DEFAULT = new StorageConfig(Durability.SYNC, "./data", Duration.ofMillis(100));

    /** Nothing stored: the state lives in memory only. */
    public static final StorageConfig IN_MEMORY = new StorageConfig(Durability.NONE, "./data", Duration.ofMillis(100));

    public StorageConfig {
        durability = Objects.requireNonNullElse(durability, Durability.SYNC);
        dataDirectory = dataDirectory == null || dataDirectory.isBlank() ? "./data" : dataDirectory.strip();
        flushInterval = Objects.requireNonNullElse(flushInterval, Duration.ofMillis(100));
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("storage.flush-interval must be positive: " + flushInterval);
        }
    }

    /** Whether anything is written to disk. */
    public boolean isDurable() {
        return durability != Durability.NONE;
    }

    public StorageConfig withDurability(Durability newDurability) {
        return new StorageConfig(newDurability, dataDirectory, flushInterval);
    }

    public StorageConfig withDataDirectory(String newDataDirectory) {
        return new StorageConfig(durability, newDataDirectory, flushInterval);
    }
}
