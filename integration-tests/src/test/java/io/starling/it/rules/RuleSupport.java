package io.starling.it.rules;

import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ConnectionConfig;
import io.starling.broker.config.FeatureConfig;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.Disconnect;
import io.starling.codec.property.MqttProperties;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/** What the rule tests share: broker configurations on 127.0.0.1:0, foreign clients, and the broker's clock. */
final class RuleSupport {
    /** How long a test waits for something that must happen. */
    static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger CLOCKS = new AtomicInteger();

    private RuleSupport() {
    }

    /** The default configuration with one listener on a free loopback port. */
    static BrokerConfig config() {
        return BrokerConfig.DEFAULT.withListener("127.0.0.1", 0);
    }

    /** Features with the given maximum QoS and wildcard support; the rest at their defaults. */
    static FeatureConfig features(int maximumQos, boolean wildcards) {
        return new FeatureConfig(maximumQos, true, wildcards, true, true);
    }

    /** Default connection limits with outbound topic aliases towards clients switched on. */
    static ConnectionConfig outboundTopicAliases(int maximum) {
        ConnectionConfig d = ConnectionConfig.DEFAULT;
        return new ConnectionConfig(d.connectTimeout(), d.maximumPacketSize(), d.receiveMaximum(),
                d.topicAliasMaximum(), d.maximumKeepAlive(), d.keepAliveGraceFactor(), maximum, "", false);
    }

    static Mqtt5BlockingClient hive5(Broker broker, String clientId) {
        return Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(broker.port())
                .buildBlocking();
    }

    static Mqtt3BlockingClient hive3(Broker broker, String clientId) {
        return Mqtt3Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(broker.port())
                .buildBlocking();
    }

    static MqttProperties sessionExpiry(long seconds) {
        return MqttProperties.builder().sessionExpiryInterval(seconds).build();
    }

    /**
     * Returns once at least {@code seconds} have passed on the broker's own clock: a witness session with that
     * expiry is left behind, and this waits until the broker has expired it. A condition, not a sleep: it holds
     * as soon as the broker says so. The caller's other sessions must stay as they are meanwhile.
     */
    static void letTheBrokerClockRun(Broker broker, long seconds) {
        try (WireConnection clock = WireConnection.open(broker.port(), MqttVersion.MQTT_5)) {
            clock.connectOk("broker-clock-" + CLOCKS.incrementAndGet(), true, sessionExpiry(seconds));
            int withClock = broker.sessionCount();
            clock.send(new Disconnect(ReasonCode.NORMAL_DISCONNECTION, MqttProperties.EMPTY));
            clock.awaitClosed();
            await().atMost(Duration.ofSeconds(seconds).plus(WAIT)).pollInterval(Duration.ofMillis(50))
                    .until(() -> broker.sessionCount() < withClock);
        }
    }
}
