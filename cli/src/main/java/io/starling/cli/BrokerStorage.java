package io.starling.cli;

import io.starling.broker.config.StorageConfig;
import io.starling.broker.storage.BrokerStore;
import io.starling.broker.storage.StoreException;
import io.starling.storage.rocksdb.RocksDbStore;
import io.starling.storage.rocksdb.RocksDbStoreConfig;

import java.nio.file.Path;

/** Opens the store that {@code storage} names for {@code starling broker}: RocksDB, or none for durability none. */
final class BrokerStorage {

    private BrokerStorage() {
    }

    /** The store, or null when nothing is to be stored. A store that cannot be opened is a one-line error. */
    static BrokerStore open(StorageConfig storage) {
        if (!storage.isDurable()) {
            return null;
        }
        RocksDbStoreConfig engine = switch (storage.durability()) {
            case SYNC -> RocksDbStoreConfig.sync();
            case PERIODIC -> RocksDbStoreConfig.periodic(storage.flushInterval());
            case NONE -> throw new IllegalStateException("not durable");
        };
        try {
            return RocksDbStore.open(directory(storage), engine);
        } catch (StoreException e) {
            throw new CliException("cannot open the store: " + Errors.oneLine(e.getMessage()), e);
        }
    }

    static Path directory(StorageConfig storage) {
        return Path.of(storage.dataDirectory()).toAbsolutePath().normalize();
    }

    /** One line for the start-up log: where state is kept and how durably. */
    static String describe(StorageConfig storage) {
        return switch (storage.durability()) {
            case SYNC -> "Storage: " + directory(storage) + " (sync: acknowledged messages are on disk)";
            case PERIODIC -> "Storage: " + directory(storage) + " (periodic: the log is flushed every "
                    + storage.flushInterval().toMillis() + " ms; a power loss may lose that window)";
            case NONE -> "Storage: none (durability none: sessions, queued and retained messages are lost at a "
                    + "restart)";
        };
    }
}
