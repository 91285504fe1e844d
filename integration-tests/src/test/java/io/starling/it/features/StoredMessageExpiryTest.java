package io.starling.it.features;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.Will;
import io.starling.codec.property.MqttProperties;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Message expiry of what the broker stores: retained messages and (retained) wills expire like any message
 * ([MQTT-3.3.2-5]); the remaining interval is sent on ([MQTT-3.3.2-6]). Also MQTT 3.1's client identifier limit.
 */
class StoredMessageExpiryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();
    private Broker broker;

    @BeforeEach
    void start() {
        broker = Broker.start(BrokerConfig.DEFAULT.withListener("127.0.0.1", 0));
    }

    @AfterEach
    void stop() {
        for (Mqtt5BlockingClient client : clients) {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        }
        broker.close();
    }

    private Mqtt5BlockingClient client(String id) {
        Mqtt5BlockingClient client = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.port()).buildBlocking();
        client.connect();
        clients.add(client);
        return client;
    }

    /** Subscribes a fresh client to {@code filter} and returns what it receives up to a marker on the same filter. */
    private List<Mqtt5Publish> retainedSeenBy(String id, String filter, String markerTopic) throws Exception {
        Mqtt5BlockingClient reader = client(id);
        try (Mqtt5BlockingClient.Mqtt5Publishes inbox = reader.publishes(MqttGlobalPublishFilter.ALL)) {
            reader.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
            client(id + "-marker").publishWith().topic(markerTopic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload("marker".getBytes(StandardCharsets.UTF_8)).send();
            List<Mqtt5Publish> seen = new ArrayList<>();
            while (true) {
                Optional<Mqtt5Publish> next = inbox.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(next).as("the marker arrives").isPresent();
                if (next.get().getTopic().toString().equals(markerTopic)) {
                    return seen;
                }
                seen.add(next.get());
            }
        }
    }

    private void awaitBrokerSeconds(long seconds) throws Exception {
        Mqtt5BlockingClient watcher = client("clock-watcher-" + System.nanoTime());
        try (Mqtt5BlockingClient.Mqtt5Publishes inbox = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            String topic = "clock/" + System.nanoTime();
            watcher.subscribeWith().topicFilter(topic).send();
            WireClient.startBrokerClock(broker.port(), topic, seconds);
            assertThat(inbox.receive(seconds + WAIT.toSeconds(), TimeUnit.SECONDS)).as("the clock's will").isPresent();
        }
    }

    @Test
    void expiredRetainedMessageIsNotSentToNewSubscribers_MQTT_3_3_2_5() throws Exception {
        Mqtt5BlockingClient publisher = client("retainer");
        publisher.publishWith().topic("ret/short").retain(true).qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(1)
                .payload("short".getBytes(StandardCharsets.UTF_8)).send();
        publisher.publishWith().topic("ret/long").retain(true).qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(600)
                .payload("long".getBytes(StandardCharsets.UTF_8)).send();
        publisher.publishWith().topic("ret/none").retain(true).qos(MqttQos.AT_LEAST_ONCE)
                .payload("none".getBytes(StandardCharsets.UTF_8)).send();

        awaitBrokerSeconds(2);

        List<Mqtt5Publish> seen = retainedSeenBy("late", "ret/#", "ret/marker");
        assertThat(seen).extracting(p -> p.getTopic().toString()).containsExactlyInAnyOrder("ret/long", "ret/none");
        Mqtt5Publish longLived = seen.stream().filter(p -> p.getTopic().toString().equals("ret/long")).findFirst()
                .orElseThrow();
        assertThat(longLived.getMessageExpiryInterval().orElseThrow()).as("the remaining interval [MQTT-3.3.2-6]")
                .isBetween(1L, 598L);
        assertThat(seen.stream().filter(p -> p.getTopic().toString().equals("ret/none")).findFirst().orElseThrow()
                .getMessageExpiryInterval()).isEmpty();
    }

    @Test
    void retainedWillExpiresWithItsMessageExpiryInterval_MQTT_3_1_3_10() throws Exception {
        try (WireClient dying = new WireClient(broker.port(), WAIT)) {
            dying.send(new Connect(MqttVersion.MQTT_5, "dying", true, 0, null, null,
                    new Will("wills/dying", "gone".getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, true,
                            MqttProperties.builder().messageExpiryInterval(1L).build()),
                    MqttProperties.EMPTY));
            assertThat(dying.receive()).isInstanceOf(ConnAck.class);
        } // closed without DISCONNECT: the will is published, retained, with a 1 s lifetime

        List<Mqtt5Publish> early = retainedSeenBy("early", "wills/#", "wills/marker");
        assertThat(early).extracting(p -> p.getTopic().toString()).containsExactly("wills/dying");
        assertThat(early.get(0).isRetain()).isTrue();

        awaitBrokerSeconds(2);
        assertThat(retainedSeenBy("late", "wills/#", "wills/marker2"))
                .as("the retained will expired").isEmpty();
    }

    @Test
    void mqtt31RefusesClientIdentifiersLongerThan23Characters() throws Exception {
        String twentyThree = "a-client-id-of-23-chars";
        assertThat(twentyThree).hasSize(23);
        MqttClient justRight = new MqttClient("tcp://127.0.0.1:" + broker.port(), twentyThree, new MemoryPersistence());
        MqttClient over = new MqttClient("tcp://127.0.0.1:" + broker.port(), twentyThree + "x", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1);
        try {
            justRight.connect(options);
            assertThat(justRight.isConnected()).isTrue();
            justRight.disconnect();
            assertThatThrownBy(() -> over.connect(options))
                    .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode())
                            .isEqualTo(MqttException.REASON_CODE_INVALID_CLIENT_ID));
        } finally {
            justRight.close();
            over.close();
        }
    }
}
