package io.starling.it.limits;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.spi.Authenticator;
import io.starling.broker.spi.Authorizer;
import io.starling.broker.spi.ClientInfo;
import io.starling.codec.QoS;
import io.starling.it.kit.Packets;
import io.starling.it.kit.ProtocolVersion;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code security.disconnect-on-denied-publish}: what a MQTT 3.1.1 client gets for a PUBLISH the authorizer
 * refuses. 3.1.1 acknowledgements cannot refuse, so the server either acknowledges as usual (and drops the message)
 * or closes the connection ([MQTT-3.3.5-2]); MQTT 5 clients are told 0x87 Not authorized either way.
 */
class DeniedPublishTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Refuses publishing under forbidden/, allows everything else. */
    private static final Authorizer GUARD = new Authorizer() {
        @Override
        public boolean mayPublish(ClientInfo client, String topicName, QoS qos, boolean retain) {
            return !topicName.startsWith("forbidden/");
        }

        @Override
        public boolean maySubscribe(ClientInfo client, String topicFilter, QoS qos) {
            return true;
        }
    };

    private final List<AutoCloseable> clients = new ArrayList<>();
    private Broker broker;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private void start(boolean disconnectOnDeniedPublish) {
        BrokerConfig config = LimitsSupport.config(UnaryOperator.identity(), UnaryOperator.identity(),
                security -> security.withDisconnectOnDeniedPublish(disconnectOnDeniedPublish));
        broker = Broker.start(config, Authenticator.ALLOW_ANONYMOUS, GUARD);
    }

    /** A connected Paho 3.1.1 client; {@code lost} collects connection losses. */
    private MqttClient paho(String clientId, List<String> received, List<Throwable> lost, String willTopic)
            throws MqttException {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + broker.port(), clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost.add(cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(topic + ":" + new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // publishes are synchronous here
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(5);
        if (willTopic != null) {
            options.setWill(willTopic, "gone".getBytes(StandardCharsets.UTF_8), 1, false);
        }
        client.connect(options);
        clients.add(() -> {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1_000);
            }
            client.close(true);
        });
        return client;
    }

    private List<String> watch(String filter) throws MqttException {
        List<String> received = new CopyOnWriteArrayList<>();
        paho("watcher", received, new CopyOnWriteArrayList<>(), null).subscribe(filter, 1);
        return received;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void deniedV311PublishIsAcknowledgedAndDroppedByDefault_MQTT_3_3_5_2() throws Exception {
        start(false);
        List<String> watched = watch("#");
        List<Throwable> lost = new CopyOnWriteArrayList<>();
        MqttClient publisher = paho("publisher", new CopyOnWriteArrayList<>(), lost, null);

        publisher.publish("forbidden/one", bytes("qos 1"), 1, false); // returns once PUBACK arrived
        publisher.publish("forbidden/two", bytes("qos 0"), 0, false);
        publisher.publish("allowed/marker", bytes("marker"), 1, false);

        await().atMost(WAIT).until(() -> watched.contains("allowed/marker:marker"));
        assertThat(watched).containsExactly("allowed/marker:marker");
        assertThat(publisher.isConnected()).isTrue();
        assertThat(lost).isEmpty();
        assertThat(broker.metrics().publishesNotAuthorized()).isEqualTo(2);
    }

    @Test
    void deniedV311PublishClosesTheConnectionWhenConfiguredAndTheWillIsPublished_MQTT_3_3_5_2() throws Exception {
        start(true);
        List<String> watched = watch("#");
        List<Throwable> lost = new CopyOnWriteArrayList<>();
        MqttClient publisher = paho("publisher", new CopyOnWriteArrayList<>(), lost, "will/publisher");

        assertThatThrownBy(() -> publisher.publish("forbidden/one", bytes("qos 1"), 1, false))
                .as("no PUBACK: the connection is closed instead").isInstanceOf(MqttException.class);

        await().atMost(WAIT).until(() -> !publisher.isConnected() && !lost.isEmpty());
        await().atMost(WAIT).until(() -> watched.contains("will/publisher:gone")); // [MQTT-3.1.2-8]
        assertThat(watched).noneMatch(message -> message.startsWith("forbidden/"));
        assertThat(broker.metrics().publishesNotAuthorized()).isEqualTo(1);
    }

    /** With raw bytes: Paho's QoS 0 publish can wait forever when the connection closes as it writes. */
    @Test
    void deniedV311Qos0PublishClosesTheConnectionWhenConfigured_MQTT_3_3_5_2() throws Exception {
        start(true);
        try (Socket socket = new Socket("127.0.0.1", broker.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(Packets.connect(ProtocolVersion.V3_1_1, "raw-publisher").build());
            out.flush();
            assertThat(in.readNBytes(4)).as("CONNACK accepted").containsExactly(0x20, 0x02, 0x00, 0x00);

            out.write(Packets.publish(ProtocolVersion.V3_1_1, "forbidden/zero").payload("qos 0").build());
            out.flush();

            assertThat(in.read()).as("closed by the broker, nothing sent before").isEqualTo(-1);
        }
        assertThat(broker.metrics().publishesNotAuthorized()).isEqualTo(1);
    }

    @Test
    void allowedV311PublishIsUnaffectedBySetting() throws Exception {
        start(true);
        List<String> watched = watch("allowed/#");
        MqttClient publisher = paho("publisher", new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(), null);

        publisher.publish("allowed/one", bytes("fine"), 1, false);

        await().atMost(WAIT).until(() -> watched.contains("allowed/one:fine"));
        assertThat(publisher.isConnected()).isTrue();
        assertThat(broker.metrics().publishesNotAuthorized()).isZero();
    }

    @Test
    void v5ClientsGetNotAuthorizedAndStayConnectedWhateverTheSetting_MQTT_3_4_2_1() {
        start(true);
        Mqtt5BlockingClient publisher = Mqtt5Client.builder().identifier("v5-publisher").serverHost("127.0.0.1")
                .serverPort(broker.port()).buildBlocking();
        publisher.connect();
        clients.add(() -> {
            if (publisher.getState().isConnected()) {
                publisher.disconnect();
            }
        });

        assertThatThrownBy(() -> publisher.publishWith().topic("forbidden/v5").qos(MqttQos.AT_LEAST_ONCE)
                .payload(bytes("no")).send())
                .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(
                        e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED));

        assertThat(publisher.publishWith().topic("allowed/v5").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("yes"))
                .send().getError()).isEmpty();
        assertThat(publisher.getState().isConnected()).isTrue();
    }
}
