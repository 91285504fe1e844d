package io.starling.storage.rocksdb;

import io.starling.broker.storage.DeliveryState;
import io.starling.broker.storage.InMemoryStore;
import io.starling.broker.storage.StoreOperation;
import io.starling.broker.storage.StoredDelivery;
import io.starling.broker.storage.StoredMessage;
import io.starling.broker.storage.StoredSession;
import io.starling.broker.storage.StoredSubscription;
import io.starling.codec.QoS;
import io.starling.codec.packet.RetainHandling;
import io.starling.codec.packet.SubscriptionOptions;
import io.starling.codec.packet.Will;
import io.starling.codec.property.MqttProperties;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Records for tests: property-rich ones, edge cases, and seeded random batches of operations. */
final class Samples {

    static final List<String> CLIENT_IDS = List.of("a", "ab", "a\u0001", "b", "\u00fcber", "\uD83D\uDE00", "\uFFFF");
    static final List<String> FILTERS = List.of("x", "x/#", "+/y", "$share/g/z", "\u00e9/+");
    static final List<String> TOPICS = List.of("r/1", "r/2", "r/\u00fc", "r/\uD83D\uDE00", "");

    private Samples() {
    }

    static MqttProperties richProperties() {
        return MqttProperties.builder()
                .payloadFormatIndicator(1)
                .messageExpiryInterval(0xFFFF_FFFEL)
                .contentType("application/json; charset=\u00fctf-8")
                .responseTopic("replies/\uD83D\uDE00")
                .correlationData(new byte[] {0, 1, 2, (byte) 0xFF})
                .addUserProperty("k", "v")
                .addUserProperty("k", "v")
                .addUserProperty("", "")
                .addUserProperty("name \u4e16", "value \u754c")
                .addSubscriptionIdentifier(1)
                .addSubscriptionIdentifier(268_435_455)
                .build();
    }

    static Will will() {
        return new Will("wills/\u00fc", bytes("gone"), QoS.EXACTLY_ONCE, true,
                MqttProperties.builder().willDelayInterval(30L).contentType("text/plain")
                        .addUserProperty("why", "test").correlationData(new byte[0]).build());
    }

    static StoredSession session(String clientId) {
        return new StoredSession(clientId, 0xFFFF_FFFFL, 1_700_000_000_123L, null, 0, 65_535);
    }

    static StoredSession sessionWithWill(String clientId) {
        return new StoredSession(clientId, 3600, 1_700_000_000_000L, will(), 1_700_000_030_000L, 7);
    }

    static StoredSubscription subscription(String filter, int variant) {
        SubscriptionOptions options = new SubscriptionOptions(QoS.of(variant % 3), variant % 2 == 0, variant % 4 < 2,
                RetainHandling.of(variant % 3));
        return new StoredSubscription(filter, options, variant * 1000);
    }

    static StoredMessage message(String topic, byte[] payload) {
        return new StoredMessage(topic, QoS.AT_LEAST_ONCE, true, richProperties(), payload, 1_800_000_000_000L,
                "publisher-\u00fc");
    }

    static StoredMessage plainMessage(String topic, byte[] payload) {
        return new StoredMessage(topic, QoS.AT_MOST_ONCE, false, MqttProperties.EMPTY, payload, 0, null);
    }

    static StoredDelivery delivery(long sequence, DeliveryState state, int packetId) {
        StoredMessage message = state == DeliveryState.AWAITING_PUBCOMP ? null
                : message("d/" + sequence, bytes("payload " + sequence));
        return new StoredDelivery(sequence, message, QoS.EXACTLY_ONCE, sequence % 2 == 0, List.of(3, 1, 2), packetId,
                state);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] randomBytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A random batch over small domains, so that puts, replacements and removals meet the same keys often. */
    static List<StoreOperation> randomBatch(Random random) {
        int size = 1 + random.nextInt(5);
        List<StoreOperation> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            batch.add(randomOperation(random));
        }
        return batch;
    }

    static StoreOperation randomOperation(Random random) {
        String clientId = pick(random, CLIENT_IDS);
        long sequence = random.nextInt(6) - 1;
        int packetId = 1 + random.nextInt(4);
        DeliveryState state = DeliveryState.values()[random.nextInt(DeliveryState.values().length)];
        return switch (random.nextInt(14)) {
            case 0, 1 -> new StoreOperation.PutSession(random.nextBoolean() ? session(clientId)
                    : sessionWithWill(clientId));
            case 2 -> new StoreOperation.RemoveSession(clientId);
            case 3 -> new StoreOperation.PutSubscription(clientId, subscription(pick(random, FILTERS),
                    random.nextInt(12)));
            case 4 -> new StoreOperation.RemoveSubscription(clientId, pick(random, FILTERS));
            case 5, 6 -> new StoreOperation.PutDelivery(clientId, randomDelivery(random, sequence, state, packetId));
            case 7, 8 -> new StoreOperation.UpdateDelivery(clientId, sequence, packetId, state);
            case 9 -> new StoreOperation.RemoveDelivery(clientId, sequence);
            case 10 -> new StoreOperation.PutInboundQos2(clientId, packetId);
            case 11 -> new StoreOperation.RemoveInboundQos2(clientId, packetId);
            case 12 -> new StoreOperation.PutRetained(random.nextBoolean()
                    ? message(pick(random, TOPICS), randomBytes(random, random.nextInt(64)))
                    : plainMessage(pick(random, TOPICS), new byte[0]));
            default -> new StoreOperation.RemoveRetained(pick(random, TOPICS));
        };
    }

    private static StoredDelivery randomDelivery(Random random, long sequence, DeliveryState state, int packetId) {
        StoredMessage message = state == DeliveryState.AWAITING_PUBCOMP && random.nextBoolean() ? null
                : message("d/" + random.nextInt(100), randomBytes(random, random.nextInt(32)));
        List<Integer> identifiers = random.nextBoolean() ? List.of() : List.of(random.nextInt(1000), 7);
        return new StoredDelivery(sequence, message, QoS.of(random.nextInt(3)), random.nextBoolean(), identifiers,
                state == DeliveryState.QUEUED ? 0 : packetId, state);
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** Applies a batch to the reference model. */
    static void applyToModel(InMemoryStore model, List<StoreOperation> batch) {
        model.write(batch).toCompletableFuture().join();
    }
}
