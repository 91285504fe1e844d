package io.starling.it.retained;

import io.starling.it.kit.BrokerSettings;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.Msg;
import io.starling.it.kit.PahoV3Client;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new subscriber gets every retained message its filter matches ([MQTT-3.8.4-4]), however many: more than its
 * in-flight window and its queue limit together, which bound live traffic, not the subscription's starting state.
 */
class ManyRetainedMessagesTest extends BrokerTest {
    private static final int RETAINED = 1_500;

    @Test
    void aNewSubscriberGetsEveryRetainedMessageBeyondItsQueueLimit_MQTT_3_8_4_4() throws Exception {
        startBroker(BrokerSettings.DEFAULTS.maximumInflight(10).maximumQueuedMessages(100));
        try (MqttClient publisher = new MqttClient(broker().uri(), "retainer", new MemoryPersistence())) {
            MqttConnectOptions options = PahoV3Client.defaultOptions();
            options.setMaxInflight(1000);
            publisher.connect(options);
            for (int i = 0; i < RETAINED; i++) {
                publisher.publish("plant/sensor/" + i, ("v" + i).getBytes(StandardCharsets.UTF_8), 1, true);
            }
            publisher.disconnect();
        }

        PahoV3Client subscriber = pahoV3("dashboard");
        subscriber.subscribe("plant/#", 1);
        List<Msg> received = subscriber.inbox.awaitCount(RETAINED, Duration.ofSeconds(30));
        Set<String> topics = received.stream().map(Msg::topic).collect(Collectors.toSet());
        assertThat(topics).hasSize(RETAINED);
        assertThat(received).allMatch(Msg::retain);
    }
}
