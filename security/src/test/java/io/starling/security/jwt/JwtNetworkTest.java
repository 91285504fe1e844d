package io.starling.security.jwt;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.starling.broker.Broker;
import io.starling.broker.spi.Authorizer;
import io.starling.security.AuthenticatorChain;
import io.starling.security.ClaimsAuthorizer;
import io.starling.security.SecureBroker;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * JWT authentication through the network: a real broker, the HiveMQ MQTT client (MQTT 5) and Eclipse Paho (MQTT
 * 3.1.1) presenting tokens as passwords; topic rights from claims; the connection closed when the token expires.
 */
class JwtNetworkTest {
    private static TestKeys keys;
    @TempDir
    Path dir;
    private JwtAuthenticator jwt;
    private Broker broker;
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();
    private final List<MqttClient> pahoClients = new ArrayList<>();

    @BeforeAll
    static void makeKeys() {
        keys = TestKeys.generate();
    }

    @BeforeEach
    void startBroker() throws Exception {
        Path pem = Files.writeString(dir.resolve("keys.pem"), keys.publicKeysPem());
        jwt = JwtAuthenticator.start(JwtAuthenticator.Options.withPublicKeyFile(pem)
                .withClaimChecks(null, null, true, Duration.ZERO)
                .withClaimMapping("sub", "pub", "subs"));
        broker = SecureBroker.start(AuthenticatorChain.builder().add(jwt).build(),
                new ClaimsAuthorizer(Authorizer.ALLOW_ALL), List.of());
    }

    @AfterEach
    void stop() {
        for (Mqtt5BlockingClient client : clients) {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        }
        pahoClients.forEach(SecureBroker::closeQuietly);
        broker.close();
        jwt.close();
    }

    private Mqtt5BlockingClient client(String id) {
        Mqtt5BlockingClient client = SecureBroker.v5Client(broker, id);
        clients.add(client);
        return client;
    }

    private static String token(String subject, Instant expiry, List<String> publish, List<String> subscribe) {
        var claims = TestKeys.claims(subject, expiry);
        if (publish != null) {
            claims.claim("pub", publish);
        }
        if (subscribe != null) {
            claims.claim("subs", subscribe);
        }
        return keys.es256(claims.build());
    }

    private static Instant inAnHour() {
        return Instant.now().plusSeconds(3600);
    }

    @Test
    void mqtt5ClientWithAValidTokenConnectsAndOneWithABadTokenGets0x86_MQTT_3_1_4_2() {
        String good = token("alice", inAnHour(), List.of("#"), List.of("#"));
        String expired = token("alice", Instant.now().minusSeconds(60), null, null);
        String forged = TestKeys.generate().es256(TestKeys.claims("alice", inAnHour()).build());

        assertThat(SecureBroker.connectV5(client("jwt-ok"), null, good)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(SecureBroker.connectV5(client("jwt-expired"), "alice", expired))
                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(SecureBroker.connectV5(client("jwt-forged"), "alice", forged))
                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(SecureBroker.connectV5(client("jwt-none"), "alice", "not-a-token"))
                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(broker.sessionCount()).as("refused CONNECTs leave no session").isEqualTo(1);
    }

    @Test
    void mqtt311ClientPresentsTheTokenAsPasswordWithAnyUserName() throws Exception {
        MqttClient good = SecureBroker.v3Client(broker, "paho-ok");
        MqttClient bad = SecureBroker.v3Client(broker, "paho-bad");
        pahoClients.add(good);
        pahoClients.add(bad);

        assertThat(SecureBroker.connectV3(good, "jwt", token("bob", inAnHour(), null, null))).isZero();
        assertThat(SecureBroker.connectV3(bad, "jwt", "eyJhbGciOiJub25lIn0.e30."))
                .isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION);
    }

    @Test
    void claimsDecideWhereATokenClientMayPublishAndSubscribe() throws Exception {
        Mqtt5BlockingClient observer = client("observer");
        assertThat(SecureBroker.connectV5(observer, null, token("observer", inAnHour(), List.of(), List.of("#"))))
                .isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        try (Mqtt5BlockingClient.Mqtt5Publishes received = observer.publishes(
                com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            observer.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient device = client("device");
            assertThat(SecureBroker.connectV5(device, null, token("alice", inAnHour(),
                    List.of("sensors/alice/#"), List.of("commands/alice/#")))).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

            assertThatThrownBy(() -> device.publishWith().topic("sensors/bob/temp").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("forbidden".getBytes(StandardCharsets.UTF_8)).send())
                    .isInstanceOfSatisfying(Mqtt5PubAckException.class, refused -> assertThat(
                            refused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED));
            device.publishWith().topic("sensors/alice/temp").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("allowed".getBytes(StandardCharsets.UTF_8)).send();

            Mqtt5Publish first = received.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(first.getTopic().toString()).as("the forbidden PUBLISH was not delivered")
                    .isEqualTo("sensors/alice/temp");
            assertThat(subAckCodes(device, "commands/alice/x")).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            assertThat(subAckCodes(device, "commands/#")).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        }
    }

    private static List<Mqtt5SubAckReasonCode> subAckCodes(Mqtt5BlockingClient client, String filter) {
        try {
            return client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes();
        } catch (Mqtt5SubAckException refused) {
            return refused.getMqttMessage().getReasonCodes();
        }
    }

    @Test
    void mqtt5ConnectionIsClosedWithDisconnect0x87WhenTheTokenExpires() {
        AtomicReference<Throwable> cause = new AtomicReference<>();
        AtomicReference<MqttDisconnectSource> source = new AtomicReference<>();
        Mqtt5BlockingClient client = Mqtt5Client.builder().identifier("short-lived").serverHost("127.0.0.1")
                .serverPort(broker.port()).addDisconnectedListener(context -> {
                    source.set(context.getSource());
                    cause.set(context.getCause());
                }).buildBlocking();
        clients.add(client);
        // exp has whole seconds: valid for 2 to 3 s from now.
        Instant expiry = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 3);

        assertThat(SecureBroker.connectV5(client, null, token("alice", expiry, null, null)))
                .isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

        await().atMost(Duration.ofSeconds(15)).until(() -> cause.get() != null);
        assertThat(Instant.now()).isAfterOrEqualTo(expiry);
        assertThat(source.get()).isEqualTo(MqttDisconnectSource.SERVER);
        assertThat(cause.get()).isInstanceOfSatisfying(Mqtt5DisconnectException.class, disconnect ->
                assertThat(disconnect.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5DisconnectReasonCode.NOT_AUTHORIZED));
    }

    @Test
    void mqtt311ConnectionIsClosedWhenTheTokenExpires() throws Exception {
        MqttClient paho = SecureBroker.v3Client(broker, "short-lived-v3");
        pahoClients.add(paho);
        AtomicReference<Throwable> lost = new AtomicReference<>();
        paho.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost.set(cause == null ? new IllegalStateException("lost") : cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        Instant expiry = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 3);

        assertThat(SecureBroker.connectV3(paho, "jwt", token("bob", expiry, null, null))).isZero();

        await().atMost(Duration.ofSeconds(15)).until(() -> lost.get() != null);
        assertThat(Instant.now()).isAfterOrEqualTo(expiry);
        assertThat(paho.isConnected()).isFalse();
    }
}
