package io.starling.it.transport;

import io.starling.broker.Broker;
import io.starling.broker.config.ListenerConfig;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.Socket;

import static io.starling.it.transport.Transports.HOST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A listener's {@code max-connections}, and that other listeners are not affected by it. */
class ConnectionLimitListenerTest {
    private Broker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void connectionsAboveTheLimitAreClosedAtAcceptAndCounted() throws Exception {
        broker = Transports.start(new ListenerConfig("small", HOST, 0).withMaxConnections(2),
                new ListenerConfig("other", HOST, 0));
        String small = "tcp://" + HOST + ":" + broker.localAddresses().get(0).getPort();
        String other = "tcp://" + HOST + ":" + broker.localAddresses().get(1).getPort();
        MqttClient first = new MqttClient(small, "first", new MemoryPersistence());
        MqttClient second = new MqttClient(small, "second", new MemoryPersistence());
        try {
            first.connect(Transports.options());
            second.connect(Transports.options());

            try (Socket third = new Socket(HOST, broker.localAddresses().get(0).getPort())) {
                third.setSoTimeout((int) Transports.TIMEOUT.toMillis());
                assertThat(third.getInputStream().read()).as("closed by the broker at once").isEqualTo(-1);
            }
            assertThat(broker.metrics().connectionsOverListenerLimit()).isEqualTo(1);
            Transports.pahoRoundTrip(other, Transports.options());

            first.disconnect();
            await("a place is free again").atMost(Transports.TIMEOUT).ignoreExceptions()
                    .untilAsserted(() -> Transports.pahoRoundTrip(small, Transports.options()));
        } finally {
            Transports.closeQuietly(first);
            Transports.closeQuietly(second);
        }
    }
}
