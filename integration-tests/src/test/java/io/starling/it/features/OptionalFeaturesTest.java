package io.starling.it.features;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ConnectionConfig;
import io.starling.broker.config.FeatureConfig;
import io.starling.broker.config.QueueOverflowPolicy;
import io.starling.broker.config.SessionConfig;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.Publish;
import io.starling.codec.packet.SubAck;
import io.starling.codec.packet.Subscribe;
import io.starling.codec.packet.SubscriptionOptions;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The optional and configurable MQTT 5 behaviour: server redirection, response information, outbound topic
 * aliases, Quota Exceeded for subscription and retained limits, the disconnect overflow policy and payload format
 * validation. Driven with the HiveMQ MQTT Client, and a wire-level client where the bytes themselves matter.
 */
class OptionalFeaturesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<AutoCloseable> resources = new ArrayList<>();
    private Broker broker;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // best effort: the broker closes what is left
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    private void start(BrokerConfig config) {
        broker = Broker.start(config.withListener("127.0.0.1", 0));
    }

    private Mqtt5BlockingClient v5(String id) {
        Mqtt5BlockingClient client = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.port()).buildBlocking();
        resources.add(() -> {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        });
        return client;
    }

    private static ConnectionConfig connection(int outboundAliases, String serverReference, boolean moved) {
        ConnectionConfig d = ConnectionConfig.DEFAULT;
        return new ConnectionConfig(d.connectTimeout(), d.maximumPacketSize(), d.receiveMaximum(),
                d.topicAliasMaximum(), d.maximumKeepAlive(), d.keepAliveGraceFactor(), outboundAliases,
                serverReference, moved);
    }

    private static FeatureConfig features(String responseInformation, int maximumRetained) {
        return new FeatureConfig(2, true, true, true, true, responseInformation, maximumRetained);
    }

    // ---- server redirection ---------------------------------------------------------------------------------

    @Test
    void redirectionSendsUseAnotherServerWithServerReference_MQTT_4_11() {
        start(BrokerConfig.DEFAULT.withConnection(connection(0, "standby.example:1883", false)));
        assertThatThrownBy(() -> v5("redirected").connect())
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> {
                    Mqtt5ConnAck connAck = e.getMqttMessage();
                    assertThat(connAck.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER);
                    assertThat(connAck.getServerReference()).hasValueSatisfying(
                            reference -> assertThat(reference.toString()).isEqualTo("standby.example:1883"));
                });
    }

    @Test
    void permanentRedirectionSaysServerMoved_MQTT_4_11() {
        start(BrokerConfig.DEFAULT.withConnection(connection(0, "new.example:1883", true)));
        assertThatThrownBy(() -> v5("moved").connect())
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                        assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SERVER_MOVED));
    }

    @Test
    void redirectionRefusesMqtt311ClientsAsServerUnavailable() {
        start(BrokerConfig.DEFAULT.withConnection(connection(0, "standby.example:1883", false)));
        Mqtt3BlockingClient client = Mqtt3Client.builder().identifier("old").serverHost("127.0.0.1")
                .serverPort(broker.port()).buildBlocking();
        assertThatThrownBy(client::connect)
                .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e ->
                        assertThat(e.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SERVER_UNAVAILABLE));
    }

    // ---- request / response information ---------------------------------------------------------------------

    @Test
    void responseInformationIsReturnedOnlyWhenRequested_MQTT_3_1_2_28() {
        start(BrokerConfig.DEFAULT.withFeatures(features("replies/%c", 0)));
        Mqtt5ConnAck asked = v5("asker").connectWith().restrictions().requestResponseInformation(true)
                .applyRestrictions().send();
        assertThat(asked.getResponseInformation()).hasValueSatisfying(
                info -> assertThat(info.toString()).isEqualTo("replies/asker"));

        Mqtt5ConnAck notAsked = v5("quiet").connect();
        assertThat(notAsked.getResponseInformation()).isEmpty();
    }

    // ---- outbound topic aliases -----------------------------------------------------------------------------

    @Test
    void repeatedTopicsTravelAsAnAliasWithinTheClientsMaximum_MQTT_3_3_2_11() throws Exception {
        start(BrokerConfig.DEFAULT.withConnection(connection(8, "", false)));
        try (WireClient wire = new WireClient(broker.port(), WAIT)) {
            wire.send(new Connect(MqttVersion.MQTT_5, "aliased", true, 60, null, null, null,
                    MqttProperties.builder().topicAliasMaximum(4).build()));
            assertThat(wire.receive()).isInstanceOf(ConnAck.class);
            wire.send(new Subscribe(1, List.of(new TopicSubscription("plant/#", SubscriptionOptions.of(QoS.AT_MOST_ONCE))),
                    MqttProperties.EMPTY));
            assertThat(wire.receive()).isInstanceOf(SubAck.class);

            Mqtt5BlockingClient publisher = v5("alias-publisher");
            publisher.connect();
            for (int i = 0; i < 3; i++) {
                publisher.publishWith().topic("plant/line1/oven/temperature").payload(("v" + i).getBytes()).send();
            }
            List<Publish> received = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                MqttPacket packet = wire.receive();
                received.add((Publish) packet);
            }
            try {
                assertThat(received.get(0).topic()).isEqualTo("plant/line1/oven/temperature");
                Integer alias = received.get(0).properties().topicAlias();
                assertThat(alias).isBetween(1, 4);
                for (Publish later : received.subList(1, 3)) {
                    assertThat(later.topic()).as("topic sent as alias only").isEmpty();
                    assertThat(later.properties().topicAlias()).isEqualTo(alias);
                }
                assertThat(received.get(2).payload().toString(StandardCharsets.UTF_8)).isEqualTo("v2");
            } finally {
                received.forEach(Publish::release);
            }
        }
    }

    @Test
    void aliasedTopicsReachAnMqtt5ClientIntact() {
        start(BrokerConfig.DEFAULT.withConnection(connection(2, "", false)));
        Mqtt5BlockingClient subscriber = v5("alias-sub");
        subscriber.connectWith().restrictions().topicAliasMaximum(2).applyRestrictions().send();
        List<String> topics = new CopyOnWriteArrayList<>();
        subscriber.toAsync().subscribeWith().topicFilter("a/#").callback(p -> topics.add(p.getTopic().toString())).send().join();
        Mqtt5BlockingClient publisher = v5("alias-pub");
        publisher.connect();
        List<String> sent = List.of("a/1", "a/2", "a/3", "a/1", "a/2", "a/3", "a/1");
        for (String topic : sent) {
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {1}).send();
        }
        await().atMost(WAIT).until(() -> topics.size() == sent.size());
        assertThat(topics).containsExactlyElementsOf(sent);
    }

    // ---- quotas ---------------------------------------------------------------------------------------------

    @Test
    void subscriptionsBeyondThePerClientLimitGetQuotaExceeded() {
        SessionConfig d = SessionConfig.DEFAULT;
        start(BrokerConfig.DEFAULT.withSession(new SessionConfig(d.maximumSessionExpiry(), d.persistentSessionExpiry(),
                d.maximumInflight(), d.maximumQueuedMessages(), d.maximumQueuedBytes(), d.queueOverflowPolicy(),
                d.queueQos0WhenOffline(), 2)));
        Mqtt5BlockingClient client = v5("limited");
        client.connect();
        assertThatThrownBy(() -> client.subscribeWith()
                .addSubscription().topicFilter("a").applySubscription()
                .addSubscription().topicFilter("b").applySubscription()
                .addSubscription().topicFilter("c").applySubscription()
                .send())
                .isInstanceOfSatisfying(Mqtt5SubAckException.class, e -> assertThat(e.getMqttMessage().getReasonCodes())
                        .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_2, Mqtt5SubAckReasonCode.GRANTED_QOS_2,
                                Mqtt5SubAckReasonCode.QUOTA_EXCEEDED));
        // Re-subscribing to a filter it already holds is a replacement, not a new subscription (HiveMQ asks QoS 2
        // unless told otherwise).
        var again = client.subscribeWith().topicFilter("a").qos(MqttQos.AT_LEAST_ONCE).send();
        assertThat(again.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
    }

    @Test
    void retainedMessagesBeyondTheLimitAreRefusedWithQuotaExceeded() {
        start(BrokerConfig.DEFAULT.withFeatures(features("", 1)));
        Mqtt5BlockingClient publisher = v5("retainer");
        publisher.connect();
        Mqtt5PublishResult first = publisher.publishWith().topic("r/1").retain(true).qos(MqttQos.AT_LEAST_ONCE)
                .payload("one".getBytes()).send();
        assertThat(first.getError()).isEmpty();
        assertThatThrownBy(() -> publisher.publishWith().topic("r/2").retain(true).qos(MqttQos.AT_LEAST_ONCE)
                .payload("two".getBytes()).send())
                .isInstanceOfSatisfying(Mqtt5PubAckException.class, e ->
                        assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED));
        // Replacing the one that is stored is still allowed.
        Mqtt5PublishResult replace = publisher.publishWith().topic("r/1").retain(true).qos(MqttQos.AT_LEAST_ONCE)
                .payload("uno".getBytes()).send();
        assertThat(((Mqtt5PublishResult.Mqtt5Qos1Result) replace).getPubAck().getReasonCode())
                .isIn(Mqtt5PubAckReasonCode.SUCCESS, Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS);

        Mqtt5BlockingClient reader = v5("reader");
        reader.connect();
        List<String> retained = new CopyOnWriteArrayList<>();
        reader.toAsync().subscribeWith().topicFilter("r/#")
                .callback(p -> retained.add(p.getTopic() + "=" + new String(p.getPayloadAsBytes()))).send().join();
        await().atMost(WAIT).until(() -> !retained.isEmpty());
        publisher.publishWith().topic("r/marker").payload("end".getBytes()).send();
        await().atMost(WAIT).until(() -> retained.contains("r/marker=end"));
        assertThat(retained).containsExactly("r/1=uno", "r/marker=end");
    }

    @Test
    void fullQueueUnderDisconnectPolicyDisconnectsTheStalledClientWithQuotaExceeded() {
        SessionConfig d = SessionConfig.DEFAULT;
        start(BrokerConfig.DEFAULT.withSession(new SessionConfig(d.maximumSessionExpiry(), d.persistentSessionExpiry(),
                d.maximumInflight(), 2, d.maximumQueuedBytes(), QueueOverflowPolicy.DISCONNECT,
                d.queueQos0WhenOffline(), 0)));
        AtomicReference<Throwable> disconnectCause = new AtomicReference<>();
        Mqtt5AsyncClient withListener = Mqtt5Client.builder().identifier("stalled").serverHost("127.0.0.1")
                .serverPort(broker.port()).addDisconnectedListener(context -> disconnectCause.set(context.getCause()))
                .buildAsync();
        withListener.connectWith().restrictions().receiveMaximum(1).applyRestrictions().send().join();
        withListener.subscribeWith().topicFilter("flood").qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> { /* never acknowledged: the client is stalled */ }).manualAcknowledgement(true)
                .send().join();
        resources.add(() -> withListener.disconnect());

        Mqtt5BlockingClient publisher = v5("flooder");
        publisher.connect();
        for (int i = 0; i < 5; i++) {
            publisher.publishWith().topic("flood").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {(byte) i}).send();
        }
        await().atMost(WAIT).until(() -> disconnectCause.get() != null);
        assertThat(disconnectCause.get()).isInstanceOfSatisfying(Mqtt5DisconnectException.class, e ->
                assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.QUOTA_EXCEEDED));
        assertThat(broker.metrics().messagesDroppedQueueFull()).isPositive();
    }

    // ---- payload format -------------------------------------------------------------------------------------

    @Test
    void payloadMarkedUtf8ThatIsNotIsRefusedWithPayloadFormatInvalid_MQTT_3_3_2_4() {
        start(BrokerConfig.DEFAULT);
        Mqtt5BlockingClient subscriber = v5("pfi-sub");
        subscriber.connect();
        Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        resources.add(publishes);
        subscriber.subscribeWith().topicFilter("text").send();
        Mqtt5BlockingClient publisher = v5("pfi-pub");
        publisher.connect();

        assertThatThrownBy(() -> publisher.publishWith().topic("text").qos(MqttQos.AT_LEAST_ONCE)
                .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
                .payload(new byte[] {(byte) 0xC3, (byte) 0x28}).send())
                .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID));

        publisher.publishWith().topic("text").qos(MqttQos.AT_LEAST_ONCE)
                .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
                .payload("grüße".getBytes(StandardCharsets.UTF_8)).send();
        Mqtt5Publish received = receive(publishes);
        assertThat(new String(received.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("grüße");
        assertThat(received.getPayloadFormatIndicator()).contains(Mqtt5PayloadFormatIndicator.UTF_8);
    }

    private static Mqtt5Publish receive(Mqtt5BlockingClient.Mqtt5Publishes publishes) {
        try {
            return publishes.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS).orElseThrow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
