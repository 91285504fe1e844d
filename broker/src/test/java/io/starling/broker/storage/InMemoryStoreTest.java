package io.starling.broker.storage;

import io.starling.broker.storage.StoreOperation.PutDelivery;
import io.starling.broker.storage.StoreOperation.PutInboundQos2;
import io.starling.broker.storage.StoreOperation.PutRetained;
import io.starling.broker.storage.StoreOperation.PutSession;
import io.starling.broker.storage.StoreOperation.PutSubscription;
import io.starling.broker.storage.StoreOperation.RemoveDelivery;
import io.starling.broker.storage.StoreOperation.RemoveInboundQos2;
import io.starling.broker.storage.StoreOperation.RemoveRetained;
import io.starling.broker.storage.StoreOperation.RemoveSession;
import io.starling.broker.storage.StoreOperation.RemoveSubscription;
import io.starling.broker.storage.StoreOperation.UpdateDelivery;
import io.starling.codec.QoS;
import io.starling.codec.packet.RetainHandling;
import io.starling.codec.packet.SubscriptionOptions;
import io.starling.codec.packet.Will;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryStoreTest {

    private final InMemoryStore store = new InMemoryStore();

    @Test
    void everyKindOfRecordComesBackFromLoad() {
        Will will = new Will("wills/a", bytes("gone"), QoS.AT_LEAST_ONCE, true,
                MqttProperties.builder().willDelayInterval(30L).contentType("text/plain").build());
        StoredSession session = new StoredSession("a", 3600, 1_700_000_000_000L, will, 1_700_000_030_000L, 7);
        StoredSubscription subscription = new StoredSubscription("sensors/+/temp",
                new SubscriptionOptions(QoS.EXACTLY_ONCE, true, true, RetainHandling.DO_NOT_SEND), 42);
        StoredDelivery delivery = delivery(1, DeliveryState.QUEUED, 0);
        StoredMessage retained = message("status/a", "online");

        write(new PutSession(session), new PutSubscription("a", subscription), new PutDelivery("a", delivery),
                new PutInboundQos2("a", 9), new PutRetained(retained));

        StoreContents contents = store.load();
        assertThat(contents.sessions()).containsOnlyKeys("a");
        StoreContents.RestoredSession restored = contents.sessions().get("a");
        assertThat(restored.session()).isEqualTo(session);
        assertThat(restored.subscriptions()).containsExactly(subscription);
        assertThat(restored.deliveries()).containsExactly(delivery);
        assertThat(restored.inboundQos2()).containsExactly(9);
        assertThat(contents.retained()).containsExactly(retained);
        assertThat(store.durability()).isEqualTo(Durability.NONE);
    }

    @Test
    void writesCompleteBeforeWriteReturns() {
        CompletionStage<Void> stage = store.write(List.of(new PutRetained(message("t", "x"))));

        assertThat(stage.toCompletableFuture()).isCompleted().isNotCompletedExceptionally();
    }

    @Test
    void removalsAndReplacementsApply() {
        write(new PutSession(session("a")), new PutSubscription("a", subscription("x/#")),
                new PutSubscription("a", subscription("y")), new PutDelivery("a", delivery(1, DeliveryState.QUEUED, 0)),
                new PutDelivery("a", delivery(2, DeliveryState.QUEUED, 0)), new PutInboundQos2("a", 1),
                new PutInboundQos2("a", 2), new PutRetained(message("r1", "1")), new PutRetained(message("r2", "2")));
        StoredDelivery replaced = delivery(2, DeliveryState.AWAITING_PUBACK, 5);
        write(new RemoveSubscription("a", "x/#"), new RemoveDelivery("a", 1), new PutDelivery("a", replaced),
                new RemoveInboundQos2("a", 1), new RemoveRetained("r1"), new PutRetained(message("r2", "two")));

        StoreContents contents = store.load();
        StoreContents.RestoredSession restored = contents.sessions().get("a");
        assertThat(restored.subscriptions()).extracting(StoredSubscription::topicFilter).containsExactly("y");
        assertThat(restored.deliveries()).containsExactly(replaced);
        assertThat(restored.inboundQos2()).containsExactly(2);
        assertThat(contents.retained()).containsExactly(message("r2", "two"));
    }

    @Test
    void updateDeliveryMovesStateAndDropsTheMessageOnceAwaitingPubcomp_MQTT_4_3_3() {
        write(new PutSession(session("a")), new PutDelivery("a", delivery(3, DeliveryState.QUEUED, 0)));

        write(new UpdateDelivery("a", 3, 11, DeliveryState.AWAITING_PUBREC));
        StoredDelivery sent = store.load().sessions().get("a").deliveries().get(0);
        assertThat(sent.state()).isEqualTo(DeliveryState.AWAITING_PUBREC);
        assertThat(sent.packetId()).isEqualTo(11);
        assertThat(sent.message()).isNotNull();

        write(new UpdateDelivery("a", 3, 11, DeliveryState.AWAITING_PUBCOMP));
        StoredDelivery released = store.load().sessions().get("a").deliveries().get(0);
        assertThat(released.state()).isEqualTo(DeliveryState.AWAITING_PUBCOMP);
        assertThat(released.message()).isNull();
        assertThat(released.qos()).isEqualTo(QoS.EXACTLY_ONCE);
        assertThat(released.subscriptionIdentifiers()).containsExactly(1, 2);
    }

    @Test
    void changesToAbsentRecordsDoNothing() {
        write(new PutSession(session("a")));

        write(new UpdateDelivery("a", 1, 1, DeliveryState.AWAITING_PUBACK), new RemoveDelivery("a", 2),
                new RemoveSubscription("a", "nothing"), new RemoveInboundQos2("a", 3), new RemoveRetained("none"),
                new RemoveSession("nobody"), new UpdateDelivery("nobody", 1, 1, DeliveryState.QUEUED));

        StoreContents contents = store.load();
        assertThat(contents.sessions()).containsOnlyKeys("a");
        assertThat(contents.sessions().get("a").deliveries()).isEmpty();
        assertThat(contents.retained()).isEmpty();
    }

    @Test
    void removeSessionRemovesEverythingOfThatSessionAndNothingOfOthers() {
        for (String clientId : List.of("a", "ab", "b")) {
            write(new PutSession(session(clientId)), new PutSubscription(clientId, subscription("t/" + clientId)),
                    new PutDelivery(clientId, delivery(1, DeliveryState.QUEUED, 0)), new PutInboundQos2(clientId, 4));
        }
        write(new PutRetained(message("keep", "r")));
        StoreContents before = store.load();

        write(new RemoveSession("a"));

        StoreContents after = store.load();
        assertThat(after.sessions()).containsOnlyKeys("ab", "b");
        assertThat(after.sessions().get("ab")).isEqualTo(before.sessions().get("ab"));
        assertThat(after.sessions().get("b")).isEqualTo(before.sessions().get("b"));
        assertThat(after.retained()).isEqualTo(before.retained());

        // A new session of the same id starts empty: nothing of the old one comes back.
        write(new PutSession(session("a")));
        StoreContents.RestoredSession reborn = store.load().sessions().get("a");
        assertThat(reborn.subscriptions()).isEmpty();
        assertThat(reborn.deliveries()).isEmpty();
        assertThat(reborn.inboundQos2()).isEmpty();
    }

    @Test
    void recordsOfAClientWithoutSessionAreLeftOutUntilItsSessionIsPut() {
        write(new PutSubscription("late", subscription("x")), new PutInboundQos2("late", 1));

        assertThat(store.load().sessions()).isEmpty();

        write(new PutSession(session("late")));
        StoreContents.RestoredSession restored = store.load().sessions().get("late");
        assertThat(restored.subscriptions()).hasSize(1);
        assertThat(restored.inboundQos2()).containsExactly(1);
    }

    @Test
    void deliveriesComeBackInSequenceOrderAndNamesInCodePointOrder() {
        write(new PutSession(session("a")));
        for (long sequence : new long[] {5, -1, 300, 0, Long.MAX_VALUE, Long.MIN_VALUE}) {
            write(new PutDelivery("a", delivery(sequence, DeliveryState.QUEUED, 0)));
        }
        // U+FFFF sorts before U+1F600 by code point (and by UTF-8 bytes), after it by UTF-16 (String.compareTo).
        String bmp = "t\uFFFF";
        String astral = "t\uD83D\uDE00";
        write(new PutRetained(message(astral, "1")), new PutRetained(message(bmp, "2")),
                new PutSubscription("a", subscription(astral)), new PutSubscription("a", subscription(bmp)));

        StoreContents contents = store.load();
        assertThat(contents.sessions().get("a").deliveries()).extracting(StoredDelivery::sequence)
                .containsExactly(Long.MIN_VALUE, -1L, 0L, 5L, 300L, Long.MAX_VALUE);
        assertThat(contents.retained()).extracting(StoredMessage::topic).containsExactly(bmp, astral);
        assertThat(contents.sessions().get("a").subscriptions()).extracting(StoredSubscription::topicFilter)
                .containsExactly(bmp, astral);
        assertThat(bmp.compareTo(astral)).as("String order differs, which is the point").isPositive();
    }

    @Test
    void aBatchWithAnInvalidOperationAppliesNothing() {
        List<StoreOperation> batch = new ArrayList<>();
        batch.add(new PutRetained(message("t", "1")));
        batch.add(new PutSubscription(null, subscription("x")));

        CompletableFuture<Void> result = store.write(batch).toCompletableFuture();

        assertThat(result).isCompletedExceptionally();
        assertThatThrownBy(result::join).hasCauseInstanceOf(StoreException.class);
        assertThat(store.load().retained()).isEmpty();
    }

    @Test
    void writesAfterCloseFail() {
        store.close();

        CompletableFuture<Void> result = store.write(List.of(new PutRetained(message("t", "1")))).toCompletableFuture();

        assertThatThrownBy(result::join).hasCauseInstanceOf(StoreException.class).hasMessageContaining("closed");
    }

    @Test
    void concurrentWritersAllLand() throws Exception {
        int threads = 4;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            write(new PutSession(session("a")));
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * perThread;
                done.add(pool.submit(() -> {
                    for (int i = first; i < first + perThread; i++) {
                        store.write(List.of(new PutDelivery("a", delivery(i, DeliveryState.QUEUED, 0)),
                                new PutRetained(message("r/" + i, "x")))).toCompletableFuture().join();
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        StoreContents contents = store.load();
        assertThat(contents.sessions().get("a").deliveries()).hasSize(threads * perThread);
        assertThat(contents.retained()).hasSize(threads * perThread);
        assertThat(contents.sessions().get("a").inboundQos2()).isEqualTo(Set.of());
    }

    private void write(StoreOperation... operations) {
        store.write(List.of(operations)).toCompletableFuture().join();
    }

    private static StoredSession session(String clientId) {
        return new StoredSession(clientId, 60, 0, null, 0, 0);
    }

    private static StoredSubscription subscription(String filter) {
        return new StoredSubscription(filter, SubscriptionOptions.of(QoS.AT_LEAST_ONCE), 0);
    }

    private static StoredDelivery delivery(long sequence, DeliveryState state, int packetId) {
        return new StoredDelivery(sequence, message("d/" + sequence, "payload " + sequence), QoS.EXACTLY_ONCE, false,
                List.of(1, 2), packetId, state);
    }

    private static StoredMessage message(String topic, String payload) {
        return new StoredMessage(topic, QoS.AT_LEAST_ONCE, false,
                MqttProperties.builder().addUserProperty("k", "v").build(), bytes(payload), 0, "publisher");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
