package io.starling.security.scram;

import com.hivemq.client.mqtt.datatypes.MqttUtf8String;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientConfig;
import com.hivemq.client.mqtt.mqtt5.auth.Mqtt5EnhancedAuthMechanism;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5Auth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5AuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import io.starling.broker.Broker;
import io.starling.broker.spi.Authenticator;
import io.starling.broker.spi.Authorizer;
import io.starling.security.AuthenticatorChain;
import io.starling.security.SecureBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SCRAM-SHA-256 over MQTT 5 enhanced authentication ([MQTT-4.12]) with a real broker and the HiveMQ MQTT client,
 * whose client half is {@link ScramClient} behind the client's {@link Mqtt5EnhancedAuthMechanism}.
 */
class ScramNetworkTest {
    @TempDir
    Path dir;
    private ScramAuthenticator scram;
    private Broker broker;
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Path file = dir.resolve("scram");
        ScramCredentialsFile.setPassword(file, "alice", "wonderland".toCharArray(), true);
        scram = ScramAuthenticator.start(file, Duration.ZERO);
        // Password clients are refused: only SCRAM gets in.
        Authenticator noPasswords = AuthenticatorChain.builder().build();
        broker = SecureBroker.start(noPasswords, Authorizer.ALLOW_ALL, List.of(scram));
    }

    @AfterEach
    void stop() {
        clients.stream().filter(client -> client.getState().isConnected()).forEach(Mqtt5BlockingClient::disconnect);
        broker.close();
        scram.close();
    }

    /** What the client half does wrong, if anything. */
    enum Fault { NONE, TAMPERED_PROOF, WRONG_NONCE }

    private Mqtt5BlockingClient client(String id, ScramMechanism mechanism) {
        Mqtt5BlockingClient client = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.port()).enhancedAuth(mechanism).buildBlocking();
        clients.add(client);
        return client;
    }

    private static Mqtt5ConnAckReasonCode connect(Mqtt5BlockingClient client) {
        return connectWithReason(client).getReasonCode();
    }

    /** The CONNACK, successful or not. */
    private static Mqtt5ConnAck connectWithReason(Mqtt5BlockingClient client) {
        try {
            return client.connect();
        } catch (Mqtt5ConnAckException refused) {
            return refused.getMqttMessage();
        }
    }

    private static String reasonString(Mqtt5ConnAck connAck) {
        return connAck.getReasonString().map(Object::toString).orElse("");
    }

    @Test
    void rightPasswordConnectsAndTheClientVerifiesTheServer_MQTT_4_12_0_1() {
        ScramMechanism mechanism = new ScramMechanism("alice", "wonderland", Fault.NONE);

        assertThat(connect(client("scram-ok", mechanism))).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(mechanism.serverVerified.get()).isEqualTo(1);
    }

    @Test
    void wrongPasswordIsRefusedWith0x87_MQTT_4_12_0_4() {
        assertThat(connect(client("scram-wrong", new ScramMechanism("alice", "guess", Fault.NONE))))
                .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        assertThat(broker.sessionCount()).isZero();
    }

    @Test
    void unknownUserIsRefusedLikeAWrongPassword() {
        assertThat(connect(client("scram-unknown", new ScramMechanism("mallory", "wonderland", Fault.NONE))))
                .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void tamperedClientProofIsRefused() {
        Mqtt5ConnAck connAck = connectWithReason(client("scram-tampered",
                new ScramMechanism("alice", "wonderland", Fault.TAMPERED_PROOF)));

        assertThat(connAck.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        assertThat(reasonString(connAck)).contains("e=invalid-proof");
    }

    @Test
    void finalMessageWithAWrongNonceIsRefused() {
        Mqtt5ConnAck connAck = connectWithReason(client("scram-nonce",
                new ScramMechanism("alice", "wonderland", Fault.WRONG_NONCE)));

        assertThat(connAck.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        assertThat(reasonString(connAck)).contains("nonce");
    }

    @Test
    void reauthenticationRunsAFreshExchange_MQTT_4_12_1_1() throws Exception {
        ScramMechanism mechanism = new ScramMechanism("alice", "wonderland", Fault.NONE);
        Mqtt5BlockingClient client = client("scram-reauth", mechanism);
        assertThat(connect(client)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

        client.toAsync().reauth().get(10, TimeUnit.SECONDS);

        assertThat(mechanism.serverVerified.get()).isEqualTo(2);
        assertThat(client.getState().isConnected()).isTrue();
    }

    @Test
    void passwordClientsAreNotLetInBesideScram() {
        Mqtt5BlockingClient plain = SecureBroker.v5Client(broker, "plain");
        clients.add(plain);

        assertThat(SecureBroker.connectV5(plain, "alice", "wonderland"))
                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(SecureBroker.connectV5(SecureBroker.v5Client(broker, "anonymous"), null, null))
                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    /** The client half of SCRAM-SHA-256 inside the HiveMQ client's enhanced-auth API. */
    private static final class ScramMechanism implements Mqtt5EnhancedAuthMechanism {
        private final String user;
        private final String password;
        private final Fault fault;
        private volatile ScramClient exchange;
        final AtomicInteger serverVerified = new AtomicInteger();

        ScramMechanism(String user, String password, Fault fault) {
            this.user = user;
            this.password = password;
            this.fault = fault;
        }

        @Override
        public MqttUtf8String getMethod() {
            return MqttUtf8String.of(ScramAuthenticator.METHOD);
        }

        @Override
        public int getTimeout() {
            return 10;
        }

        private byte[] first() {
            exchange = new ScramClient(user, password);
            return exchange.clientFirst().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public CompletableFuture<Void> onAuth(Mqtt5ClientConfig config, Mqtt5Connect connect,
                                              Mqtt5EnhancedAuthBuilder builder) {
            builder.data(first());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> onReAuth(Mqtt5ClientConfig config, Mqtt5AuthBuilder builder) {
            builder.data(first());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Boolean> onContinue(Mqtt5ClientConfig config, Mqtt5Auth auth,
                                                     Mqtt5AuthBuilder builder) {
            String serverFirst = text(auth.getData().orElseThrow());
            if (fault == Fault.WRONG_NONCE) {
                exchange.echoedNonce = serverFirst.substring(2, serverFirst.indexOf(',')) + "x";
            }
            builder.data(exchange.clientFinal(serverFirst, fault == Fault.TAMPERED_PROOF)
                    .getBytes(StandardCharsets.UTF_8));
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public CompletableFuture<Boolean> onAuthSuccess(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
            return verified(connAck.getEnhancedAuth().flatMap(auth -> auth.getData()).map(ScramNetworkTest::text));
        }

        @Override
        public CompletableFuture<Boolean> onReAuthSuccess(Mqtt5ClientConfig config, Mqtt5Auth auth) {
            return verified(auth.getData().map(ScramNetworkTest::text));
        }

        private CompletableFuture<Boolean> verified(java.util.Optional<String> serverFinal) {
            boolean ok = serverFinal.isPresent() && exchange.verifyServerFinal(serverFinal.get());
            if (ok) {
                serverVerified.incrementAndGet();
            }
            return CompletableFuture.completedFuture(ok);
        }

        @Override
        public void onAuthRejected(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
        }

        @Override
        public void onReAuthRejected(Mqtt5ClientConfig config, Mqtt5Disconnect disconnect) {
        }

        @Override
        public void onAuthError(Mqtt5ClientConfig config, Throwable cause) {
        }

        @Override
        public void onReAuthError(Mqtt5ClientConfig config, Throwable cause) {
        }
    }

    private static String text(ByteBuffer buffer) {
        return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
    }
}
