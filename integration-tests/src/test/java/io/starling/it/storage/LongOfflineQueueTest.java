package io.starling.it.storage;

import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.SessionConfig;
import io.starling.it.kit.BrokerSettings;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.Msg;
import io.starling.it.kit.PahoV3Client;
import io.starling.it.kit.StarlingBroker;
import io.starling.storage.rocksdb.RocksDbStore;
import io.starling.storage.rocksdb.RocksDbStoreConfig;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A persistent session's long offline queue lives on disk, not on the heap: beyond
 * {@code session.queued-messages-in-memory} its messages are kept only in the store and read back a page at a
 * time when the client returns - all of them, in order, once each, across a restart too.
 */
class LongOfflineQueueTest extends BrokerTest {
    private static final int MESSAGES = 3_000;
    private static final int IN_MEMORY = 20;

    @TempDir
    Path data;

    private BrokerConfig config() {
        BrokerConfig base = StarlingBroker.config(BrokerSettings.DEFAULTS);
        SessionConfig s = base.session();
        return base.withSession(new SessionConfig(s.maximumSessionExpiry(), s.persistentSessionExpiry(),
                s.maximumInflight(), 100_000, s.maximumQueuedBytes(), s.queueOverflowPolicy(),
                s.queueQos0WhenOffline(), s.maximumSubscriptionsPerClient(), IN_MEMORY));
    }

    private Broker start() {
        return ((StarlingBroker) startBroker(config(), () -> RocksDbStore.open(data, RocksDbStoreConfig.sync())))
                .broker();
    }

    @Test
    void aLongOfflineQueueWaitsOnDiskAndArrivesWholeAndInOrder() throws Exception {
        Broker broker = start();
        PahoV3Client offline = pahoV3("far-away", options -> options.setCleanSession(false));
        offline.subscribe("telemetry/#", 1);
        offline.disconnect();

        try (MqttClient publisher = new MqttClient(broker().uri(), "bulk", new MemoryPersistence())) {
            MqttConnectOptions options = PahoV3Client.defaultOptions();
            options.setMaxInflight(1000);
            publisher.connect(options);
            for (int i = 0; i < MESSAGES; i++) {
                publisher.publish("telemetry/" + (i % 7), ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            publisher.disconnect();
        }
        assertThat(broker.metrics().messagesQueuedOnDisk()).as("all but %d on disk only", IN_MEMORY)
                .isEqualTo(MESSAGES - IN_MEMORY);

        stopBroker(); // and across a restart: the queue is read back from disk as it was
        Broker restarted = start();
        assertThat(restarted.metrics().messagesQueuedOnDisk()).isGreaterThanOrEqualTo(MESSAGES - IN_MEMORY - 100);

        PahoV3Client back = pahoV3("far-away", options -> options.setCleanSession(false));
        List<Msg> received = back.inbox.awaitCount(MESSAGES, Duration.ofSeconds(60));
        assertThat(received).extracting(Msg::text)
                .containsExactlyElementsOf(IntStream.range(0, MESSAGES).mapToObj(i -> "m" + i).toList());
        assertThat(restarted.metrics().messagesQueuedOnDisk()).isZero();
    }
}
