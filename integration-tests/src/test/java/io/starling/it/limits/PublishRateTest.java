package io.starling.it.limits;

import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.Packets;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.RawPacket;
import io.starling.it.kit.StarlingBroker;
import io.starling.it.kit.Wire;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static io.starling.it.kit.ProtocolVersion.V3_1_1;
import static io.starling.it.kit.ProtocolVersion.V5;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code connection.maximum-publish-rate} and {@code connection.maximum-inbound-bandwidth}: a client over its budget
 * is slowed down by back-pressure (the broker stops reading from it), never refused, never disconnected, and
 * nothing it sent is lost. Times are measured at the receiving end against lower bounds the limit implies, with
 * generous slack for a loaded machine; upper bounds are only deadlines.
 */
class PublishRateTest extends BrokerTest {
    /** Long enough for every message of a test to arrive even on a slow machine. */
    private static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(15);

    private StarlingBroker start(int publishesPerSecond, int bytesPerSecond) {
        return (StarlingBroker) startBroker(LimitsSupport.connectionLimits(
                connection -> connection.withRateLimits(publishesPerSecond, bytesPerSecond)), () -> null);
    }

    /** {@code count} PUBLISHes on {@code topic} with payloads "0", "1"..., as the bytes of a single write. */
    private static byte[] burst(int count, String topic, int qos) {
        byte[][] packets = new byte[count][];
        for (int i = 0; i < count; i++) {
            packets[i] = Packets.publish(V5, topic).qos(qos, i + 1).payload(Integer.toString(i)).build();
        }
        return Wire.concat(packets);
    }

    @Test
    void aBurstOverThePublishRateArrivesAtTheConfiguredPaceWithoutLossOrDisconnection() {
        StarlingBroker broker = start(50, 0);
        RawClient subscriber = rawConnected(V5, "subscriber");
        subscriber.subscribe(1, "rate/#", 0);
        RawClient publisher = rawConnected(V5, "publisher");

        publisher.send(burst(150, "rate/t", 0)); // one write: the broker reads them at once, far over 50/s
        List<Long> arrivals = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            RawPacket.Publish message = subscriber.read(ARRIVAL_TIMEOUT).publish(true);
            arrivals.add(System.nanoTime());
            payloads.add(message.payloadText());
        }

        // 50 at once (one second's burst), then 50 per second: the 150th is processed 2 s after the first.
        long spreadMillis = (arrivals.get(149) - arrivals.get(0)) / 1_000_000;
        long toHundredthMillis = (arrivals.get(99) - arrivals.get(0)) / 1_000_000;
        assertThat(spreadMillis).as("first to last arrival, ms").isGreaterThanOrEqualTo(1_500);
        assertThat(toHundredthMillis).as("first to 100th arrival, ms").isGreaterThanOrEqualTo(600);
        assertThat(payloads).as("every message, in order").isEqualTo(
                IntStream.range(0, 150).mapToObj(Integer::toString).toList());
        assertThat(publisher.readUntilPingResp()).as("the publisher is still connected").isEmpty();
        assertThat(broker.broker().metrics().publishRateThrottles()).isGreaterThanOrEqualTo(1);
        assertThat(broker.broker().metrics().messagesReceived()).isEqualTo(150);
    }

    @Test
    void qos1PublishesOverTheRateAreAllAcknowledgedAndDeliveredInTime() {
        StarlingBroker broker = start(20, 0);
        RawClient subscriber = rawConnected(V5, "subscriber");
        subscriber.subscribe(1, "rate/#", 1);
        RawClient publisher = rawConnected(V3_1_1, "publisher");

        byte[][] packets = new byte[60][];
        for (int i = 0; i < 60; i++) {
            packets[i] = Packets.publish(V3_1_1, "rate/q1").qos(1, i + 1).payload("m" + i).build();
        }
        long sent = System.nanoTime();
        publisher.send(Wire.concat(packets));
        List<Integer> acknowledged = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            acknowledged.add(publisher.read(ARRIVAL_TIMEOUT).ack(false).packetId());
        }
        long allAcknowledgedMillis = (System.nanoTime() - sent) / 1_000_000;
        Set<String> delivered = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            RawPacket.Publish message = subscriber.read(ARRIVAL_TIMEOUT).publish(true);
            subscriber.send(Packets.pubAck(message.packetId()));
            delivered.add(message.payloadText());
        }

        assertThat(acknowledged).as("every PUBACK, in order ([MQTT-4.6.0-2])")
                .isEqualTo(IntStream.rangeClosed(1, 60).boxed().toList());
        assertThat(allAcknowledgedMillis).as("20 at once, then 20 per second: 2 s for the last").isGreaterThanOrEqualTo(
                1_500);
        assertThat(delivered).hasSize(60);
        assertThat(publisher.readUntilPingResp()).as("the publisher is still connected").isEmpty();
        assertThat(broker.broker().metrics().publishRateThrottles()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void publishesWithinTheRateAreNotDelayed() {
        StarlingBroker broker = start(100, 0);
        RawClient subscriber = rawConnected(V5, "subscriber");
        subscriber.subscribe(1, "rate/#", 0);
        RawClient publisher = rawConnected(V5, "publisher");

        publisher.send(burst(50, "rate/t", 0));
        for (int i = 0; i < 50; i++) {
            subscriber.read(ARRIVAL_TIMEOUT).publish(true);
        }

        assertThat(broker.broker().metrics().publishRateThrottles()).isZero();
    }

    @Test
    void bandwidthOverTheLimitPausesReadingWithoutDisconnecting() {
        StarlingBroker broker = start(0, 2_000);
        RawClient publisher = rawConnected(V5, "publisher");

        // 6 kB against 2 kB per second: once it is read, the broker stays away from the socket for about 2 s.
        publisher.send(Packets.publish(V5, "bandwidth/t").qos(1, 1).payload(new byte[6_000]).build());
        assertThat(publisher.read(ARRIVAL_TIMEOUT).ack(true).packetId()).isEqualTo(1);
        long firstAcknowledged = System.nanoTime();
        publisher.send(Packets.publish(V5, "bandwidth/t").qos(1, 2).payload("small").build());
        assertThat(publisher.read(ARRIVAL_TIMEOUT).ack(true).packetId()).isEqualTo(2);
        long waitedMillis = (System.nanoTime() - firstAcknowledged) / 1_000_000;

        assertThat(waitedMillis).as("the small PUBLISH waited for the debt of the large one").isGreaterThanOrEqualTo(
                1_000);
        assertThat(broker.broker().metrics().bandwidthThrottles()).isGreaterThanOrEqualTo(1);
        assertThat(publisher.readUntilPingResp()).as("still connected").isEmpty();
    }
}
