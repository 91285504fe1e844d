package io.starling.storage.rocksdb;

import io.starling.broker.storage.StoreException;
import io.starling.broker.storage.StoreOperation;
import io.starling.broker.storage.StoredMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The writer thread: many batches share one fsync, a full queue refuses at once, periodic mode syncs later. */
class GroupCommitTest {

    @TempDir
    Path directory;

    private RocksDbStore store;

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    @Timeout(120)
    void concurrentWritersShareFsyncsInSyncMode() throws Exception {
        store = RocksDbStore.open(directory, RocksDbStoreConfig.sync());
        int threads = 8;
        int perThread = 250;
        int window = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * perThread;
                // Each writer keeps a few batches in flight, as a broker with many publishers does.
                writers.add(pool.submit(() -> {
                    Deque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
                    for (int i = first; i < first + perThread; i++) {
                        if (inFlight.size() == window) {
                            inFlight.removeFirst().join();
                        }
                        inFlight.addLast(store.write(batch(i)).toCompletableFuture());
                    }
                    inFlight.forEach(CompletableFuture::join);
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        RocksDbStoreStats stats = store.stats();
        assertThat(stats.batchesWritten()).isEqualTo(threads * perThread);
        assertThat(stats.operationsWritten()).isEqualTo(2L * threads * perThread);
        assertThat(stats.syncs()).as("one fsync per group in sync mode").isEqualTo(stats.groupsWritten());
        assertThat(stats.batchesPerSync()).as("batches per fsync: %s", stats).isGreaterThanOrEqualTo(4.0);
        assertThat(stats.batchesFailed()).isZero();

        store.close();
        store = RocksDbStore.open(directory, RocksDbStoreConfig.sync());
        assertThat(store.load().retained()).hasSize(threads * perThread);
    }

    @Test
    void aFullQueueRefusesAtOnceAndNothingRefusedIsStored() {
        store = RocksDbStore.open(directory, RocksDbStoreConfig.sync().withQueueCapacity(2).withMaxGroupSize(2));
        List<CompletableFuture<Void>> results = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            results.add(store.write(batch(i)).toCompletableFuture());
        }
        Set<String> acknowledged = new HashSet<>();
        Set<String> refused = new HashSet<>();
        for (int i = 0; i < results.size(); i++) {
            try {
                results.get(i).join();
                acknowledged.add("g/" + i);
            } catch (CompletionException e) {
                assertThat(e).hasCauseInstanceOf(StoreException.class).hasMessageContaining("queue is full");
                refused.add("g/" + i);
            }
        }
        assertThat(refused).as("a writer that cannot keep up with a loop refuses some").isNotEmpty();
        assertThat(acknowledged).isNotEmpty();
        assertThat(store.stats().batchesRejected()).isEqualTo(refused.size());

        store.close();
        store = RocksDbStore.open(directory, RocksDbStoreConfig.sync());
        Set<String> stored = new HashSet<>();
        for (StoredMessage message : store.load().retained()) {
            stored.add(message.topic());
        }
        assertThat(stored).isEqualTo(acknowledged);
    }

    @Test
    void periodicModeAcknowledgesWithoutWaitingForAnFsync() {
        // An interval no test run reaches: every acknowledgement below came without a sync of the log.
        store = RocksDbStore.open(directory, RocksDbStoreConfig.periodic(Duration.ofHours(1)));
        for (int i = 0; i < 200; i++) {
            store.write(batch(i)).toCompletableFuture().join();
        }

        RocksDbStoreStats stats = store.stats();
        assertThat(stats.batchesWritten()).isEqualTo(200);
        assertThat(stats.syncs()).isZero();

        // Close writes everything out all the same.
        store.close();
        store = RocksDbStore.open(directory, RocksDbStoreConfig.sync());
        assertThat(store.load().retained()).hasSize(200);
    }

    @Test
    @Timeout(60)
    void periodicModeSyncsTheLogOnceTheIntervalHasPassed() {
        store = RocksDbStore.open(directory, RocksDbStoreConfig.periodic(Duration.ofMillis(10)));

        store.write(batch(1)).toCompletableFuture().join();

        await().atMost(Duration.ofSeconds(20)).until(() -> store.stats().syncs() == 1);
        assertThat(store.stats().groupsWritten()).isEqualTo(1);
    }

    private static List<StoreOperation> batch(int i) {
        return List.of(new StoreOperation.PutRetained(Samples.plainMessage("g/" + i, Samples.bytes("payload " + i))),
                new StoreOperation.PutInboundQos2("writer", i % 65_535 + 1));
    }
}
