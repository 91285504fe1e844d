package io.starling.security;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ConnectionConfig;
import io.starling.broker.config.FailedLoginDelayConfig;
import io.starling.broker.config.SecurityConfig;
import io.starling.broker.spi.AuthenticationResult;
import io.starling.broker.spi.Authenticator;
import io.starling.broker.spi.Authorizer;
import io.starling.codec.ReasonCode;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failed-login delay through the network: repeated wrong passwords from 127.0.0.1 get their CONNACK later and
 * later (up to the maximum), counted in the broker's metrics; a right password is never held back.
 */
class FailedLoginDelayNetworkTest {
    /** alice / right is let in; anything else is a wrong password. */
    private static final Authenticator PASSWORDS = request -> CompletableFuture.completedFuture(
            "alice".equals(request.username()) && request.password() != null
                    && "right".equals(new String(request.password(), StandardCharsets.UTF_8))
                    ? AuthenticationResult.accept("alice")
                    : AuthenticationResult.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD, "wrong password"));

    private Broker broker;
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();
    private final List<MqttClient> paho = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.stream().filter(client -> client.getState().isConnected()).forEach(Mqtt5BlockingClient::disconnect);
        paho.forEach(SecureBroker::closeQuietly);
        broker.close();
    }

    private Mqtt5BlockingClient client(String id) {
        Mqtt5BlockingClient client = SecureBroker.v5Client(broker, id);
        clients.add(client);
        return client;
    }

    /** The CONNACK reason code of one attempt, and how long it took. */
    private record Attempt(Mqtt5ConnAckReasonCode code, Duration took) {
    }

    private Attempt attempt(String id, String password) {
        long start = System.nanoTime();
        Mqtt5ConnAckReasonCode code = SecureBroker.connectV5(client(id), "alice", password);
        return new Attempt(code, Duration.ofNanos(System.nanoTime() - start));
    }

    @Test
    void repeatedFailuresFromOneAddressAreAnsweredLaterAndLater() throws Exception {
        broker = SecureBroker.start(PASSWORDS, Authorizer.ALLOW_ALL, List.of(),
                new FailedLoginDelayConfig(Duration.ofMillis(300), Duration.ofMillis(600), Duration.ofMinutes(10),
                        100));

        Attempt first = attempt("guess-1", "a");
        Attempt second = attempt("guess-2", "b");
        Attempt third = attempt("guess-3", "c");
        Attempt fourth = attempt("guess-4", "d");

        assertThat(List.of(first.code(), second.code(), third.code(), fourth.code()))
                .containsOnly(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(second.took()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(third.took()).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        assertThat(fourth.took()).as("capped, still delayed").isGreaterThanOrEqualTo(Duration.ofMillis(600));
        MqttClient v3 = SecureBroker.v3Client(broker, "guess-v3");
        paho.add(v3);
        long start = System.nanoTime();
        assertThat(SecureBroker.connectV3(v3, "alice", "e")).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        assertThat(broker.metrics().authenticationFailures()).isEqualTo(5);
        assertThat(broker.metrics().refusalsDelayed()).isEqualTo(4);

        assertThat(attempt("owner", "right").code()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(broker.metrics().refusalsDelayed()).as("a success is never held back").isEqualTo(4);
    }

    @Test
    void delayedRefusalStillArrivesWhenItOutlastsTheConnectTimeout_MQTT_3_2_2_7() {
        BrokerConfig config = BrokerConfig.DEFAULT.withListener("127.0.0.1", 0)
                .withConnection(new ConnectionConfig(Duration.ofMillis(500), 1024 * 1024, 1024, 64, Duration.ZERO, 1.5))
                .withSecurity(SecurityConfig.DEFAULT.withFailedLoginDelay(new FailedLoginDelayConfig(
                        Duration.ofMillis(1200), Duration.ofMillis(1200), Duration.ofMinutes(10), 100)));
        broker = Broker.start(config, PASSWORDS, Authorizer.ALLOW_ALL);

        attempt("slow-1", "a");
        Attempt second = attempt("slow-2", "b");

        assertThat(second.code()).as("a CONNACK, not a connection closed by the connect timeout")
                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(second.took()).isGreaterThanOrEqualTo(Duration.ofMillis(1200));
    }

    @Test
    void withTheDelayOffRefusalsAreNotCountedAsDelayed() {
        broker = SecureBroker.start(PASSWORDS, Authorizer.ALLOW_ALL, List.of(), FailedLoginDelayConfig.OFF);

        for (int i = 0; i < 3; i++) {
            assertThat(attempt("off-" + i, "wrong").code()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        }

        assertThat(broker.metrics().authenticationFailures()).isEqualTo(3);
        assertThat(broker.metrics().refusalsDelayed()).isZero();
    }
}
