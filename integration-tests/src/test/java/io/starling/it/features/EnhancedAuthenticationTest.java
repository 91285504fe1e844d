package io.starling.it.features;

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
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.spi.Authenticator;
import io.starling.broker.spi.Authorizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * MQTT 5 enhanced authentication ([MQTT-4.12]) end to end with the HiveMQ MQTT Client's mechanism API: the
 * AUTH challenge / response at connect, its refusal, an unknown method, and re-authentication ([MQTT-4.12.1]).
 */
class EnhancedAuthenticationTest {
    private final ChallengeMechanism mechanism = new ChallengeMechanism();
    private Broker broker;
    private Mqtt5BlockingClient client;

    @BeforeEach
    void startBroker() {
        broker = Broker.start(BrokerConfig.DEFAULT.withListener("127.0.0.1", 0), Authenticator.ALLOW_ANONYMOUS,
                Authorizer.ALLOW_ALL, List.of(mechanism));
    }

    @AfterEach
    void stop() {
        if (client != null && client.getState().isConnected()) {
            client.disconnect();
        }
        broker.close();
    }

    @Test
    void challengeResponseExchangeEndsInConnAckWithTheMethod_MQTT_4_12_0_1() {
        ClientMechanism clientSide = new ClientMechanism(ChallengeMechanism.METHOD, ChallengeMechanism.SECRET);
        client = newClient("enhanced-ok", clientSide);
        Mqtt5ConnAck connAck = client.connect();

        assertThat(connAck.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(connAck.getEnhancedAuth()).isPresent();
        assertThat(connAck.getEnhancedAuth().get().getMethod().toString()).isEqualTo(ChallengeMechanism.METHOD);
        assertThat(clientSide.challenges).isEqualTo(1);
        assertThat(text(clientSide.successData.get())).isEqualTo("welcome");
    }

    @Test
    void wrongResponseIsRefusedWithTheMechanismsReason_MQTT_4_12_0_2() {
        client = newClient("enhanced-bad", new ClientMechanism(ChallengeMechanism.METHOD, "wrong secret"));
        assertThatThrownBy(() -> client.connect())
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                        assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
        assertThat(broker.sessionCount()).as("a refused CONNECT leaves no session").isZero();
    }

    @Test
    void unknownAuthenticationMethodIsRefusedWith0x8C() {
        client = newClient("enhanced-unknown", new ClientMechanism("NO-SUCH-METHOD", ChallengeMechanism.SECRET));
        assertThatThrownBy(() -> client.connect())
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                        assertThat(e.getMqttMessage().getReasonCode())
                                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_AUTHENTICATION_METHOD));
    }

    @Test
    void reauthenticationRunsTheExchangeAgainAndEndsWithAuthSuccess_MQTT_4_12_1_1() throws Exception {
        ClientMechanism clientSide = new ClientMechanism(ChallengeMechanism.METHOD, ChallengeMechanism.SECRET);
        client = newClient("enhanced-reauth", clientSide);
        client.connect();

        client.toAsync().reauth().get(10, TimeUnit.SECONDS);

        assertThat(clientSide.challenges).isEqualTo(2);
        assertThat(clientSide.reauthSuccesses).isEqualTo(1);
        assertThat(client.getState().isConnected()).isTrue();
    }

    @Test
    void failedReauthenticationDisconnectsWithTheReason_MQTT_4_12_1_2() {
        ClientMechanism clientSide = new ClientMechanism(ChallengeMechanism.METHOD, ChallengeMechanism.SECRET);
        client = newClient("enhanced-reauth-refused", clientSide);
        client.connect();
        mechanism.refuseReauthentication = true;

        CompletableFuture<Void> reauth = client.toAsync().reauth();

        await().atMost(Duration.ofSeconds(10)).until(reauth::isDone);
        assertThat(reauth).isCompletedExceptionally();
        await().atMost(Duration.ofSeconds(10)).until(() -> !client.getState().isConnected());
        assertThat(clientSide.reauthRejection.get()).isNotNull();
        assertThat(clientSide.reauthRejection.get().getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.NOT_AUTHORIZED);
    }

    private Mqtt5BlockingClient newClient(String id, ClientMechanism clientSide) {
        return Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(broker.port())
                .enhancedAuth(clientSide).buildBlocking();
    }

    private static String text(ByteBuffer buffer) {
        return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
    }

    /** The client half of {@link ChallengeMechanism}, through the HiveMQ client's enhanced-auth API. */
    private static final class ClientMechanism implements Mqtt5EnhancedAuthMechanism {
        private final String method;
        private final String secret;
        volatile int challenges;
        volatile int reauthSuccesses;
        final AtomicReference<ByteBuffer> successData = new AtomicReference<>();
        final AtomicReference<Mqtt5Disconnect> reauthRejection = new AtomicReference<>();

        ClientMechanism(String method, String secret) {
            this.method = method;
            this.secret = secret;
        }

        @Override
        public MqttUtf8String getMethod() {
            return MqttUtf8String.of(method);
        }

        @Override
        public int getTimeout() {
            return 10;
        }

        @Override
        public CompletableFuture<Void> onAuth(Mqtt5ClientConfig config, Mqtt5Connect connect,
                                              Mqtt5EnhancedAuthBuilder builder) {
            builder.data("hello".getBytes(StandardCharsets.UTF_8));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> onReAuth(Mqtt5ClientConfig config, Mqtt5AuthBuilder builder) {
            builder.data("hello".getBytes(StandardCharsets.UTF_8));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Boolean> onContinue(Mqtt5ClientConfig config, Mqtt5Auth auth,
                                                     Mqtt5AuthBuilder builder) {
            challenges++;
            ByteBuffer data = auth.getData().orElseThrow();
            byte[] challenge = new byte[data.remaining()];
            data.duplicate().get(challenge);
            builder.data(ChallengeMechanism.expectedResponse(challenge, secret));
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public CompletableFuture<Boolean> onAuthSuccess(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
            connAck.getEnhancedAuth().flatMap(auth -> auth.getData()).ifPresent(successData::set);
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public CompletableFuture<Boolean> onReAuthSuccess(Mqtt5ClientConfig config, Mqtt5Auth auth) {
            reauthSuccesses++;
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public void onAuthRejected(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
        }

        @Override
        public void onReAuthRejected(Mqtt5ClientConfig config, Mqtt5Disconnect disconnect) {
            reauthRejection.set(disconnect);
        }

        @Override
        public void onAuthError(Mqtt5ClientConfig config, Throwable cause) {
        }

        @Override
        public void onReAuthError(Mqtt5ClientConfig config, Throwable cause) {
        }
    }
}
