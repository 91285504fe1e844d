package io.starling.it.limits;

import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.Packets;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.StarlingBroker;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.starling.it.kit.ProtocolVersion.V3_1_1;
import static io.starling.it.kit.ProtocolVersion.V5;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A listener's {@code max-connection-rate}: new connections per second per client address, closed at once over it,
 * and with {@code proxy-protocol} counted per address the PROXY header gives. Every test client here comes from
 * 127.0.0.1, so one address; the limit is 1 per second, so that a slow machine cannot let a token refill between
 * two connections opened one after the other.
 */
class ConnectionRateTest extends BrokerTest {

    private static boolean admitted(StarlingBroker broker, String clientId) {
        try (RawClient client = RawClient.open(broker, V5)) {
            return client.connect(Packets.connect(V5, clientId)).reasonCode() == 0;
        } catch (AssertionError closedByTheBroker) {
            return false;
        }
    }

    private static byte[] proxyHeader(String clientAddress) {
        return ("PROXY TCP4 " + clientAddress + " 127.0.0.1 40000 1883\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void connectionsOverTheRateAreClosedBeforeAnythingIsReadAndCounted() {
        StarlingBroker broker = (StarlingBroker) startBroker(
                LimitsSupport.listener(listener -> listener.withMaxConnectionRate(1)), () -> null);

        // One after the other: two sockets opened at once are set up by two event loops, in either order.
        RawClient first = raw(V5);
        first.connectOk(Packets.connect(V5, "first"));
        RawClient second = raw(V3_1_1);
        second.send(Packets.connect(V3_1_1, "second").build());

        assertThat(second.awaitClosed()).as("closed without an answer").isEmpty();
        assertThat(broker.broker().metrics().connectionsOverRateLimit()).isEqualTo(1);
        assertThat(broker.broker().metrics().connectionsAccepted()).as("the refused one never got in").isEqualTo(1);
        assertThat(first.readUntilPingResp()).as("the admitted connection is untouched").isEmpty();

        await("the budget refills at 1 per second").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> admitted(broker, "later"));
    }

    @Test
    void behindAProxyTheAddressOfTheHeaderCounts() {
        StarlingBroker broker = (StarlingBroker) startBroker(LimitsSupport.listener(listener ->
                listener.withProxyProtocol(true).withMaxConnectionRate(1)), () -> null);

        RawClient first = raw(V5);
        first.send(proxyHeader("203.0.113.7"), Packets.connect(V5, "first").build());
        assertThat(first.read().connAck(true).reasonCode()).isZero();
        RawClient sameClient = raw(V5);
        sameClient.send(proxyHeader("203.0.113.7"), Packets.connect(V5, "same").build());
        assertThat(sameClient.awaitClosed()).as("second connection of 203.0.113.7 within the second").isEmpty();
        RawClient otherClient = raw(V5);
        otherClient.send(proxyHeader("203.0.113.8"), Packets.connect(V5, "other").build());
        assertThat(otherClient.read().connAck(true).reasonCode()).as("another client behind the same proxy")
                .isZero();
        assertThat(broker.broker().metrics().connectionsOverRateLimit()).isEqualTo(1);
    }

    @Test
    void withoutALimitEveryConnectionIsAdmitted() {
        StarlingBroker broker = (StarlingBroker) startBroker(
                LimitsSupport.listener(listener -> listener.withMaxConnectionRate(0)), () -> null);

        for (int i = 0; i < 20; i++) {
            assertThat(admitted(broker, "client-" + i)).as("connection %d", i).isTrue();
        }
        assertThat(broker.broker().metrics().connectionsOverRateLimit()).isZero();
    }
}
