package io.starling.it.queue;

import io.starling.broker.config.QueueOverflowPolicy;
import io.starling.it.kit.BrokerSettings;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.HiveClient;
import io.starling.it.kit.Msg;
import io.starling.it.kit.PahoV3Client;
import io.starling.it.kit.StarlingBroker;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Messages held for offline persistent sessions: what is queued, and the per-session limit. */
class OfflineQueueTest extends BrokerTest {

    /** Subscribes a persistent 3.1.1 session to queue/t at QoS 2, then disconnects it. */
    private void persistentSubscriberGoesOffline(String clientId) throws MqttException {
        PahoV3Client subscriber = track(PahoV3Client.create(broker(), clientId)).connect(o -> o.setCleanSession(false));
        subscriber.subscribe("queue/t", 2);
        subscriber.disconnect();
    }

    private PahoV3Client reconnect(String clientId) throws MqttException {
        PahoV3Client back = track(PahoV3Client.create(broker(), clientId)).connect(o -> o.setCleanSession(false));
        assertThat(back.sessionPresent()).isTrue();
        return back;
    }

    @Test
    void qos1AndQos2AreQueuedForAnOfflineSessionButQos0IsNot_MQTT_3_1_2_5() throws MqttException {
        persistentSubscriberGoesOffline("offline-311");
        PahoV3Client publisher = pahoV3("queue-pub");
        publisher.publish("queue/t", "qos0", 0, false);
        publisher.publish("queue/t", "qos1", 1, false);
        publisher.publish("queue/t", "qos2", 2, false);

        PahoV3Client back = reconnect("offline-311");
        publisher.publish("queue/t", "marker", 2, false);

        assertThat(back.inbox.awaitMarker(m -> m.text().equals("marker")))
                .extracting(Msg::text, Msg::qos)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("qos1", 1),
                        org.assertj.core.groups.Tuple.tuple("qos2", 2), org.assertj.core.groups.Tuple.tuple("marker", 2));
    }

    @Test
    void messagesAreQueuedForAnOfflineV5SessionWithExpiry_MQTT_4_5_0_1() {
        HiveClient subscriber = track(HiveClient.create(broker(), "offline-v5"));
        subscriber.connect(c -> c.cleanStart(false).sessionExpiryInterval(60));
        subscriber.subscribe("queue5/t", 1);
        subscriber.disconnect();
        HiveClient publisher = hive("queue5-pub");
        for (int i = 0; i < 3; i++) {
            publisher.publish("queue5/t", "m" + i, 1, false);
        }

        assertThat(subscriber.connect(c -> c.cleanStart(false).sessionExpiryInterval(60)).isSessionPresent()).isTrue();

        assertThat(subscriber.inbox.awaitCount(3)).extracting(Msg::text).containsExactly("m0", "m1", "m2");
    }

    @Test
    void qos0IsQueuedWhenConfiguredTo() throws MqttException {
        startBroker(BrokerSettings.DEFAULTS.queueQos0WhenOffline(true));
        persistentSubscriberGoesOffline("offline-qos0");
        pahoV3("qos0-pub").publish("queue/t", "qos0", 0, false);

        PahoV3Client back = reconnect("offline-qos0");

        assertThat(back.inbox.awaitCount(1)).extracting(Msg::text).containsExactly("qos0");
    }

    /**
     * A queue of 3 with the default drop-new policy keeps the oldest messages. Whether one more message may sit
     * in a one-message in-flight window of the offline session is left open (Mosquitto does that), so 3 or 4 of the
     * 8 messages arrive, always the oldest, never the newest.
     */
    @Test
    void queueLimitDropsNewMessagesByDefault() throws MqttException {
        startBroker(BrokerSettings.DEFAULTS.maximumQueuedMessages(3).maximumInflight(1));
        persistentSubscriberGoesOffline("limited");
        PahoV3Client publisher = pahoV3("limited-pub");
        for (int i = 0; i < 8; i++) {
            publisher.publish("queue/t", "m" + i, 1, false);
        }

        PahoV3Client back = reconnect("limited");
        publisher.publish("queue/t", "marker", 1, false);

        List<String> received = back.inbox.awaitMarker(m -> m.text().equals("marker")).stream()
                .map(Msg::text).filter(text -> !text.equals("marker")).toList();
        assertThat(received.size()).isBetween(3, 4);
        assertThat(received).isEqualTo(IntStream.range(0, received.size()).mapToObj(i -> "m" + i).toList());
        assertDropsCounted(8 - received.size());
    }

    /** Starling counts every message a full queue drops; Mosquitto has no such counter to read. */
    private void assertDropsCounted(int dropped) {
        if (broker() instanceof StarlingBroker starling) {
            assertThat(starling.broker().metrics().messagesDroppedQueueFull()).isEqualTo(dropped);
        }
    }

    /** Starling-only: Mosquitto has no drop-oldest policy. */
    @Test
    void queueLimitCanDropTheOldestMessagesInstead() throws MqttException {
        startBroker(BrokerSettings.DEFAULTS.maximumQueuedMessages(3).maximumInflight(1)
                .queueOverflowPolicy(QueueOverflowPolicy.DROP_OLDEST));
        persistentSubscriberGoesOffline("freshest");
        PahoV3Client publisher = pahoV3("freshest-pub");
        for (int i = 0; i < 8; i++) {
            publisher.publish("queue/t", "m" + i, 1, false);
        }

        PahoV3Client back = reconnect("freshest");
        publisher.publish("queue/t", "marker", 1, false);

        List<String> received = back.inbox.awaitMarker(m -> m.text().equals("marker")).stream()
                .map(Msg::text).filter(text -> !text.equals("marker")).toList();
        assertThat(received.size()).isBetween(3, 4);
        assertThat(received).endsWith("m5", "m6", "m7");
        assertDropsCounted(8 - received.size());
    }
}
