package io.starling.storage.rocksdb;

import io.starling.broker.storage.DeliveryState;
import io.starling.broker.storage.Durability;
import io.starling.broker.storage.InMemoryStore;
import io.starling.broker.storage.StoreContents;
import io.starling.broker.storage.StoreException;
import io.starling.broker.storage.StoreOperation;
import io.starling.broker.storage.StoreOperation.PutDelivery;
import io.starling.broker.storage.StoreOperation.PutInboundQos2;
import io.starling.broker.storage.StoreOperation.PutRetained;
import io.starling.broker.storage.StoreOperation.PutSession;
import io.starling.broker.storage.StoreOperation.PutSubscription;
import io.starling.broker.storage.StoreOperation.RemoveSession;
import io.starling.broker.storage.StoreOperation.UpdateDelivery;
import io.starling.broker.storage.StoredDelivery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static io.starling.storage.rocksdb.Samples.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What is written comes back, through close and reopen, as the in-memory reference model gives it back. */
class RocksDbStoreTest {

    @TempDir
    Path directory;

    private RocksDbStore store;
    private final InMemoryStore model = new InMemoryStore();

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void everyKindOfOperationSurvivesCloseAndReopen() {
        store = RocksDbStore.open(directory, RocksDbStoreConfig.sync());
        Random random = new Random(7);
        byte[] large = Samples.randomBytes(random, 1 << 20);
        write(new PutSession(Samples.sessionWithWill("a")), new PutSession(Samples.session("b")),
                new PutSubscription("a", Samples.subscription("x/#", 1)),
                new PutSubscription("a", Samples.subscription("$share/g/+", 10)),
                new PutSubscription("b", Samples.subscription("x", 5)),
                new PutDelivery("a", Samples.delivery(1, DeliveryState.QUEUED, 0)),
                new PutDelivery("a", Samples.delivery(2, DeliveryState.AWAITING_PUBACK, 17)),
                new PutDelivery("a", Samples.delivery(3, DeliveryState.AWAITING_PUBREC, 18)),
                new PutDelivery("a", Samples.delivery(4, DeliveryState.AWAITING_PUBCOMP, 19)),
                new PutInboundQos2("a", 1), new PutInboundQos2("a", 65_535),
                new PutRetained(Samples.message("big", large)),
                new PutRetained(Samples.plainMessage("empty", new byte[0])),
                new PutRetained(Samples.message("rich/\u00fc", bytes("r"))));
        write(new UpdateDelivery("a", 1, 20, DeliveryState.AWAITING_PUBREC),
                new UpdateDelivery("a", 3, 18, DeliveryState.AWAITING_PUBCOMP),
                new StoreOperation.RemoveDelivery("a", 2), new StoreOperation.RemoveInboundQos2("a", 1),
                new StoreOperation.RemoveSubscription("a", "x/#"), new StoreOperation.RemoveRetained("empty"),
                new PutRetained(Samples.plainMessage("empty-again", new byte[0])));

        StoreContents beforeClose = store.load();
        assertThat(beforeClose).isEqualTo(model.load());
        reopen(RocksDbStoreConfig.sync());

        StoreContents contents = store.load();
        assertThat(contents).isEqualTo(model.load());
        StoreContents.RestoredSession a = contents.sessions().get("a");
        assertThat(a.session().delayedWill()).isEqualTo(Samples.will());
        assertThat(a.deliveries()).extracting(StoredDelivery::sequence).containsExactly(1L, 3L, 4L);
        assertThat(a.deliveries().get(1).message()).as("dropped once awaiting PUBCOMP").isNull();
        assertThat(a.deliveries().get(0).state()).isEqualTo(DeliveryState.AWAITING_PUBREC);
        assertThat(a.deliveries().get(0).message()).isNotNull();
        assertThat(a.inboundQos2()).containsExactly(65_535);
        assertThat(contents.retained()).extracting(m -> m.topic()).containsExactly("big", "empty-again", "rich/\u00fc");
        assertThat(contents.retained().get(0).payload()).isEqualTo(large);
    }

    @Test
    void removeSessionRemovesEverythingOfThatSessionAndNothingOfOthers() {
        store = RocksDbStore.open(directory, RocksDbStoreConfig.sync());
        // "a", "ab" and "a\u0001" share the prefix "a": the range deletion must stop exactly at "a\0".
        for (String clientId : List.of("a", "ab", "a\u0001", "b")) {
            write(new PutSession(Samples.session(clientId)), new PutSubscription(clientId, Samples.subscription("t", 1)),
                    new PutDelivery(clientId, Samples.delivery(1, DeliveryState.QUEUED, 0)),
                    new PutDelivery(clientId, Samples.delivery(Long.MAX_VALUE, DeliveryState.AWAITING_PUBACK, 3)),
                    new PutInboundQos2(clientId, 2));
        }
        write(new PutRetained(Samples.message("kept", bytes("r"))));
        StoreContents before = store.load();

        write(new RemoveSession("a"));
        reopen(RocksDbStoreConfig.sync());

        StoreContents after = store.load();
        assertThat(after.sessions()).containsOnlyKeys("ab", "a\u0001", "b");
        for (String other : List.of("ab", "a\u0001", "b")) {
            assertThat(after.sessions().get(other)).isEqualTo(before.sessions().get(other));
        }
        assertThat(after.retained()).isEqualTo(before.retained());
        write(new PutSession(Samples.session("a")));
        StoreContents.RestoredSession reborn = store.load().sessions().get("a");
        assertThat(reborn.subscriptions()).isEmpty();
        assertThat(reborn.deliveries()).isEmpty();
        assertThat(reborn.inboundQos2()).isEmpty();
        assertThat(store.load()).isEqualTo(model.load());
    }

    @Test
    void deliveriesComeBackInSignedSequenceOrder() {
        store = RocksDbStore.open(directory, RocksDbStoreConfig.sync());
        write(new PutSession(Samples.session("a")));
        for (long sequence : new long[] {256, -1, 1, Long.MIN_VALUE, 0, Long.MAX_VALUE, 255, -256}) {
            write(new PutDelivery("a", Samples.delivery(sequence, DeliveryState.QUEUED, 0)));
        }
        reopen(RocksDbStoreConfig.sync());

        assertThat(store.load().sessions().get("a").deliveries()).extracting(StoredDelivery::sequence)
                .containsExactly(Long.MIN_VALUE, -256L, -1L, 0L, 1L, 255L, 256L, Long.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomOperationsMatchTheInMemoryModelAcrossReopens(long seed) {
        Random random = new Random(seed);
        store = RocksDbStore.open(directory, RocksDbStoreConfig.sync());
        for (int round = 0; round < 4; round++) {
            List<CompletableFuture<Void>> pending = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                List<StoreOperation> batch = Samples.randomBatch(random);
                Samples.applyToModel(model, batch);
                // Not waiting for each write: batches queued together share a group and must still apply in order.
                pending.add(store.write(batch).toCompletableFuture());
            }
            pending.forEach(CompletableFuture::join);
            assertThat(store.load()).as("seed %d round %d before reopen", seed, round).isEqualTo(model.load());
            reopen(round % 2 == 0 ? RocksDbStoreConfig.sync() : RocksDbStoreConfig.periodic(Duration.ofMillis(5)));
            assertThat(store.load()).as("seed %d round %d after reopen", seed, round).isEqualTo(model.load());
        }
        store.close();
        store = null;
        StorageCheck.Report report = StorageCheck.check(directory);
        assertThat(report.problems()).isEmpty();
        assertThat(report.counts().get("sessions")).isEqualTo(model.load().sessions().size());
        assertThat(report.counts().get("retained")).isEqualTo(model.load().retained().size());
    }

    @Test
    void aBatchThatCannotBeEncodedFailsWholeAndChangesNothing() {
        store = RocksDbStore.open(directory, RocksDbStoreConfig.sync());
        List<List<StoreOperation>> invalid = List.of(
                // [MQTT-1.5.4-2]: no U+0000, which is also the key separator.
                List.of(new PutRetained(Samples.message("ok", bytes("x"))), new PutSession(Samples.session("a\u0000b"))),
                // [MQTT-1.5.4-1]: no surrogate halves; UTF-8 encoding would silently replace one.
                List.of(new PutRetained(Samples.message("ok", bytes("x"))), new PutRetained(Samples.message("\uD800",
                        bytes("x")))),
                List.of(new PutRetained(Samples.message("ok", bytes("x"))), new PutSubscription(null,
                        Samples.subscription("x", 1))));

        for (List<StoreOperation> batch : invalid) {
            CompletableFuture<Void> result = store.write(batch).toCompletableFuture();
            assertThatThrownBy(result::join).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(StoreException.class);
        }

        assertThat(store.load().retained()).isEmpty();
        assertThat(store.stats().batchesRejected()).isEqualTo(invalid.size());
    }

    @Test
    void closeWritesEverythingQueuedBeforeItAndWritesAfterItFail() {
        store = RocksDbStore.open(directory, RocksDbStoreConfig.sync());
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            pending.add(store.write(List.of(new PutRetained(Samples.plainMessage("q/" + i, bytes("v" + i)))))
                    .toCompletableFuture());
        }
        store.close();

        assertThat(pending).allSatisfy(future -> assertThat(future).isCompleted().isNotCompletedExceptionally());
        CompletableFuture<Void> late = store.write(List.of(new PutRetained(Samples.plainMessage("late", bytes("x")))))
                .toCompletableFuture();
        assertThatThrownBy(late::join).hasCauseInstanceOf(StoreException.class).hasMessageContaining("closed");

        store = RocksDbStore.open(directory, RocksDbStoreConfig.sync());
        assertThat(store.load().retained()).hasSize(2_000);
    }

    @Test
    void closeAndLoadFromAWriteCallbackAreRefusedInsteadOfDeadlocking() throws Exception {
        store = RocksDbStore.open(directory, RocksDbStoreConfig.sync());

        assertThat(onWriterThread(store::close).get(30, TimeUnit.SECONDS))
                .isInstanceOf(IllegalStateException.class);
        assertThat(onWriterThread(store::load).get(30, TimeUnit.SECONDS))
                .isInstanceOf(IllegalStateException.class);
        assertThat(store.load().retained()).isNotEmpty();
    }

    /**
     * Runs {@code action} in a write's callback on the writer thread and gives what it threw. A callback runs on
     * the writer thread only if the write had not completed when it was attached, so this retries (bounded).
     */
    private CompletableFuture<Throwable> onWriterThread(Runnable action) {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        attemptOnWriterThread(action, outcome, 1_000);
        return outcome;
    }

    private void attemptOnWriterThread(Runnable action, CompletableFuture<Throwable> outcome, int triesLeft) {
        store.write(List.of(new PutRetained(Samples.plainMessage("t" + triesLeft, bytes("x"))))).thenRun(() -> {
            if (Thread.currentThread().getName().equals("starling-store-writer")) {
                try {
                    action.run();
                    outcome.complete(null);
                } catch (RuntimeException e) {
                    outcome.complete(e);
                }
            } else if (triesLeft > 0) {
                attemptOnWriterThread(action, outcome, triesLeft - 1);
            } else {
                outcome.completeExceptionally(new AssertionError("no callback ran on the writer thread"));
            }
        });
    }

    @Test
    void theSameDirectoryCannotBeOpenedTwiceInOneProcess() {
        store = RocksDbStore.open(directory, RocksDbStoreConfig.sync());

        assertThatThrownBy(() -> RocksDbStore.open(directory.resolve(".").resolve("x").resolve(".."),
                RocksDbStoreConfig.sync()))
                .isInstanceOf(StoreException.class).hasMessageContaining("already open");
    }

    @Test
    void aNewDirectoryIsCreatedAndReportsItsDurability() {
        Path nested = directory.resolve("not/yet/there");
        store = RocksDbStore.open(nested, RocksDbStoreConfig.periodic(Duration.ofMillis(50)));

        assertThat(store.durability()).isEqualTo(Durability.PERIODIC);
        assertThat(store.load()).isEqualTo(new StoreContents(java.util.Map.of(), List.of()));
        assertThat(nested.resolve(DataDirectory.MARKER_FILE)).exists();
    }

    @Test
    void durabilityNoneIsNotARocksDbStore() {
        assertThatThrownBy(() -> new RocksDbStoreConfig(Durability.NONE, Duration.ofMillis(1), 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void longQueuesLoadPartlyAndAreReadBackInPagesAsTheModelGivesThem() {
        store = RocksDbStore.open(directory, RocksDbStoreConfig.sync());
        Random random = new Random(11);
        for (int batch = 0; batch < 300; batch++) {
            List<StoreOperation> operations = Samples.randomBatch(random);
            Samples.applyToModel(model, operations);
            store.write(operations).toCompletableFuture().join();
        }
        for (int reopened = 0; reopened < 2; reopened++) {
            for (int limit : new int[] {0, 1, 3, Integer.MAX_VALUE}) {
                assertThat(store.load(limit)).as("load(%d)", limit).isEqualTo(model.load(limit));
            }
            for (String clientId : Samples.CLIENT_IDS) {
                for (long after : new long[] {0, 5, 17, 40, Long.MAX_VALUE}) {
                    for (int limit : new int[] {1, 4, 1000}) {
                        assertThat(store.readDeliveries(clientId, after, limit).toCompletableFuture().join())
                                .as("client %s after %d limit %d", clientId, after, limit)
                                .isEqualTo(model.readDeliveries(clientId, after, limit).toCompletableFuture().join());
                    }
                }
            }
            reopen(RocksDbStoreConfig.sync());
        }
        assertThat(store.load(2).sessions().values()).anySatisfy(session ->
                assertThat(session.deliveriesOnDisk()).as("the test reaches sessions with more than 2").isPositive());
    }

    @Test
    void aPageReadSeesEveryCompletedWriteWhileOthersGoOn() {
        store = RocksDbStore.open(directory, RocksDbStoreConfig.sync());
        write(new PutSession(Samples.session("a")));
        for (long sequence = 1; sequence <= 20; sequence++) {
            write(new PutDelivery("a", Samples.delivery(sequence, DeliveryState.QUEUED, 0)));
        }
        for (long sequence = 21; sequence <= 200; sequence++) { // written while the page is read
            store.write(List.of(new PutDelivery("a", Samples.delivery(sequence, DeliveryState.QUEUED, 0))));
        }
        assertThat(store.readDeliveries("a", 10, 10).toCompletableFuture().join())
                .extracting(StoredDelivery::sequence).containsExactly(11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
        store.close();
        assertThat(store.readDeliveries("a", 0, 10).toCompletableFuture()).isCompletedExceptionally();
        store = null;
    }

    private void write(StoreOperation... operations) {
        List<StoreOperation> batch = List.of(operations);
        Samples.applyToModel(model, batch);
        store.write(batch).toCompletableFuture().join();
    }

    private void reopen(RocksDbStoreConfig config) {
        store.close();
        store = RocksDbStore.open(directory, config);
    }
}
