package io.starling.security.webhook;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.starling.broker.Broker;
import io.starling.broker.spi.Authorizer;
import io.starling.security.AuthenticatorChain;
import io.starling.security.ClaimsAuthorizer;
import io.starling.security.SecureBroker;
import io.starling.security.TestHttpServer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook through the network: a real broker, an in-process HTTP service, Paho (3.1.1) and HiveMQ (5). */
class WebhookNetworkTest {
    private TestHttpServer service;
    private Broker broker;
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<MqttClient> paho = new ArrayList<>();
    private final List<Mqtt5BlockingClient> hive = new ArrayList<>();

    @AfterEach
    void stop() {
        release.countDown();
        paho.forEach(SecureBroker::closeQuietly);
        hive.stream().filter(client -> client.getState().isConnected()).forEach(Mqtt5BlockingClient::disconnect);
        if (broker != null) {
            broker.close();
        }
        service.close();
    }

    private void start(TestHttpServer.Handler handler, Duration timeout) throws Exception {
        service = TestHttpServer.start("/mqtt/auth", handler);
        WebhookAuthenticator hook = new WebhookAuthenticator(WebhookAuthenticator.Options.of(service.uri())
                .withTimeout(timeout));
        broker = SecureBroker.start(AuthenticatorChain.builder().add(hook).build(),
                new ClaimsAuthorizer(Authorizer.ALLOW_ALL), List.of());
    }

    private Mqtt5BlockingClient hiveClient(String id) {
        Mqtt5BlockingClient client = SecureBroker.v5Client(broker, id);
        hive.add(client);
        return client;
    }

    private MqttClient pahoClient(String id) throws MqttException {
        MqttClient client = SecureBroker.v3Client(broker, id);
        paho.add(client);
        return client;
    }

    @Test
    void serviceDecidesAndItsDecisionsAreCached_MQTT_3_1_4_2() throws Exception {
        start(body -> new TestHttpServer.Answer(200, body.contains("\"username\":\"alice\"")
                ? "{\"result\":\"allow\"}" : "{\"result\":\"deny\"}"), Duration.ofSeconds(5));

        assertThat(SecureBroker.connectV5(hiveClient("hook-1"), "alice", "pw")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(SecureBroker.connectV5(hiveClient("hook-1"), "alice", "pw")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(service.requests()).as("the second CONNECT was answered from the cache").isEqualTo(1);
        assertThat(SecureBroker.connectV3(pahoClient("hook-2"), "bob", "pw"))
                .isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION);
        assertThat(service.requests()).isEqualTo(2);
    }

    @Test
    void serviceThatDoesNotAnswerInTimeRefusesWithServerUnavailable() throws Exception {
        start(body -> {
            release.await(30, TimeUnit.SECONDS); // no answer until the test is over
            return new TestHttpServer.Answer(200, "{\"result\":\"allow\"}");
        }, Duration.ofMillis(500));

        assertThat(SecureBroker.connectV5(hiveClient("hook-slow-v5"), "alice", "pw"))
                .isEqualTo(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE);
        assertThat(SecureBroker.connectV3(pahoClient("hook-slow-v3"), "alice", "pw"))
                .isEqualTo(MqttException.REASON_CODE_BROKER_UNAVAILABLE);
    }
}
