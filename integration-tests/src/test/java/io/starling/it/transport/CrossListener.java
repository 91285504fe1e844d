package io.starling.it.transport;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A subscriber on one listener receives what a publisher sends on another. */
final class CrossListener {
    private CrossListener() {
    }

    static void assertDelivered(String subscriberUri, MqttConnectOptions subscriberOptions, String publisherUri,
                                MqttConnectOptions publisherOptions) throws Exception {
        String topic = "cross/" + UUID.randomUUID();
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        MqttClient subscriber = new MqttClient(subscriberUri, "sub-" + UUID.randomUUID(), new MemoryPersistence());
        MqttClient publisher = new MqttClient(publisherUri, "pub-" + UUID.randomUUID(), new MemoryPersistence());
        try {
            subscriber.connect(subscriberOptions);
            subscriber.subscribe(topic, 1, (arrivedTopic, message) ->
                    received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
            publisher.connect(publisherOptions);
            publisher.publish(topic, ("from " + publisherUri).getBytes(StandardCharsets.UTF_8), 1, false);

            assertThat(received.poll(Transports.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .as("%s -> %s", publisherUri, subscriberUri).isEqualTo("from " + publisherUri);
            publisher.disconnect();
            subscriber.disconnect();
        } finally {
            Transports.closeQuietly(publisher);
            Transports.closeQuietly(subscriber);
        }
    }
}
