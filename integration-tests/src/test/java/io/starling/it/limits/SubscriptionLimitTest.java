package io.starling.it.limits;

import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.SessionConfig;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.Packets;
import io.starling.it.kit.Props;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.StarlingBroker;
import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

import static io.starling.it.kit.ProtocolVersion.V3_1_1;
import static io.starling.it.kit.ProtocolVersion.V5;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code session.maximum-subscriptions-per-client} (here 2), refused entry by entry and counted. */
class SubscriptionLimitTest extends BrokerTest {

    private StarlingBroker start() {
        BrokerConfig base = LimitsSupport.connectionLimits(UnaryOperator.identity());
        SessionConfig s = base.session();
        return (StarlingBroker) startBroker(base.withSession(new SessionConfig(s.maximumSessionExpiry(),
                s.persistentSessionExpiry(), s.maximumInflight(), s.maximumQueuedMessages(), s.maximumQueuedBytes(),
                s.queueOverflowPolicy(), s.queueQos0WhenOffline(), 2, s.queuedMessagesInMemory())), () -> null);
    }

    @Test
    void v5SubscriptionsBeyondTheMaximumAreRefusedWithQuotaExceeded_MQTT_3_9_3_1() {
        StarlingBroker broker = start();
        RawClient client = rawConnected(V5, "subscriber");

        client.send(Packets.subscribe(V5, 1, Props.none(), new String[] {"a", "b", "c", "a"}, new int[] {0, 0, 0, 1}));

        assertThat(client.read().subAck(true).reasonCodes()).as("the third is one too many; replacing 'a' is not")
                .containsExactly(0, 0, 0x97, 1);
        assertThat(broker.broker().metrics().subscriptionsOverLimit()).isEqualTo(1);
    }

    @Test
    void v311SubscriptionsBeyondTheMaximumAreRefusedWithFailure() {
        StarlingBroker broker = start();
        RawClient client = rawConnected(V3_1_1, "subscriber");

        client.send(Packets.subscribe(V3_1_1, 1, null, new String[] {"a", "b", "c"}, new int[] {0, 0, 0}));

        assertThat(client.read().subAck(false).reasonCodes()).containsExactly(0, 0, 0x80);
        assertThat(broker.broker().metrics().subscriptionsOverLimit()).isEqualTo(1);
    }
}
