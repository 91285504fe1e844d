package io.starling.it.features;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.QueueOverflowPolicy;
import io.starling.broker.config.SessionConfig;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.SubAck;
import io.starling.codec.packet.Subscribe;
import io.starling.codec.packet.SubscriptionOptions;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscriber that stops reading must neither slow the others nor make the broker's memory grow without bound:
 * once its socket is full, its messages wait in its bounded queue and the excess is dropped and counted, while a
 * healthy subscriber on the same topic receives everything.
 */
class SlowSubscriberTest {
    private static final int MESSAGES = 4000;
    private static final byte[] PAYLOAD = new byte[8 * 1024];
    private Broker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void stalledSubscriberIsBoundedAndDoesNotSlowOthers() throws Exception {
        SessionConfig d = SessionConfig.DEFAULT;
        long queueBytes = 4L * 1024 * 1024;
        broker = Broker.start(BrokerConfig.DEFAULT.withListener("127.0.0.1", 0).withSession(new SessionConfig(
                d.maximumSessionExpiry(), d.persistentSessionExpiry(), d.maximumInflight(), 100_000, queueBytes,
                QueueOverflowPolicy.DROP_NEW, false, 0)));

        try (WireClient stalled = new WireClient(broker.port(), Duration.ofSeconds(10))) {
            stalled.send(new Connect(MqttVersion.MQTT_5, "stalled", true, 0, null, null, null, MqttProperties.EMPTY));
            assertThat(stalled.receive()).isInstanceOf(ConnAck.class);
            stalled.send(new Subscribe(1, List.of(new TopicSubscription("telemetry/#",
                    SubscriptionOptions.of(QoS.AT_MOST_ONCE))), MqttProperties.EMPTY));
            assertThat(stalled.receive()).isInstanceOf(SubAck.class);
            // From here on the stalled client never reads again.

            AtomicInteger healthyReceived = new AtomicInteger();
            Mqtt5AsyncClient healthy = Mqtt5Client.builder().identifier("healthy").serverHost("127.0.0.1")
                    .serverPort(broker.port()).buildAsync();
            healthy.connect().join();
            healthy.subscribeWith().topicFilter("telemetry/#").qos(MqttQos.AT_LEAST_ONCE)
                    .callback(p -> healthyReceived.incrementAndGet()).send().join();

            Mqtt5BlockingClient publisher = Mqtt5Client.builder().identifier("firehose").serverHost("127.0.0.1")
                    .serverPort(broker.port()).buildBlocking();
            publisher.connect();
            for (int i = 0; i < MESSAGES; i++) {
                publisher.publishWith().topic("telemetry/line1").qos(MqttQos.AT_LEAST_ONCE).payload(PAYLOAD).send();
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> healthyReceived.get() == MESSAGES);
            // 32 MiB went to a client that reads nothing: beyond what its socket buffers hold, at most the queue's
            // 4 MiB was kept and the rest dropped and counted.
            long dropped = broker.metrics().messagesDroppedQueueFull();
            assertThat(dropped).isPositive();
            long keptAtMost = queueBytes / PAYLOAD.length;
            assertThat(MESSAGES - dropped).as("messages written to the socket or kept in the bounded queue")
                    .isGreaterThan(keptAtMost);
            publisher.disconnect();
            healthy.disconnect().join();
        }
    }
}
