package io.starling.it.pubsub;

import io.starling.it.kit.BrokerSettings;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.HiveClient;
import io.starling.it.kit.Msg;
import io.starling.it.kit.Packets;
import io.starling.it.kit.PahoV3Client;
import io.starling.it.kit.Props;
import io.starling.it.kit.ProtocolVersion;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.RawPacket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-flight window towards a client honours the client's Receive Maximum ([MQTT-3.3.4-9], [MQTT-4.9]). */
class FlowControlTest extends BrokerTest {

    @Test
    void serverSendsNoMoreUnacknowledgedQos1PublishesThanReceiveMaximum_MQTT_3_3_4_9() {
        RawClient subscriber = raw(ProtocolVersion.V5);
        subscriber.connectOk(Packets.connect(ProtocolVersion.V5, "window-sub")
                .properties(Props.props().receiveMaximum(2)));
        subscriber.subscribe(1, "window/t", 1);
        HiveClient publisher = hive("window-pub");
        for (int i = 0; i < 5; i++) {
            publisher.publish("window/t", "m" + i, 1, false); // returns once the broker acknowledged it
        }

        List<RawPacket.Publish> received = new ArrayList<>();
        received.add(subscriber.readPublish());
        received.add(subscriber.readPublish());
        assertThat(subscriber.readUntilPingResp()).as("no third PUBLISH while two are unacknowledged").isEmpty();

        subscriber.send(Packets.pubAck(received.get(0).packetId()));
        received.add(subscriber.readPublish());
        mosquittoDiverges("2.0.11 answers a single PUBACK with two PUBLISHes: three unacknowledged with a"
                + " Receive Maximum of 2");
        assertThat(subscriber.readUntilPingResp()).as("one acknowledged, one more sent, no more").isEmpty();

        subscriber.send(Packets.pubAck(received.get(1).packetId()), Packets.pubAck(received.get(2).packetId()));
        received.add(subscriber.readPublish());
        received.add(subscriber.readPublish());
        subscriber.send(Packets.pubAck(received.get(3).packetId()), Packets.pubAck(received.get(4).packetId()));
        assertThat(subscriber.readUntilPingResp()).isEmpty();

        assertThat(received).extracting(RawPacket.Publish::payloadText)
                .as("all delivered, in order [MQTT-4.6.0-6]").containsExactly("m0", "m1", "m2", "m3", "m4");
        assertThat(received).extracting(RawPacket.Publish::dup).containsOnly(false);
    }

    @Test
    void hiveMqClientWithReceiveMaximum2AndManualAcksGetsAllMessagesInOrder_MQTT_4_9_0_2() {
        HiveClient subscriber = track(HiveClient.createWithManualAcks(broker(), "manual-sub"));
        subscriber.connect(c -> c.restrictions().receiveMaximum(2).applyRestrictions());
        subscriber.subscribe("manual/t", 1);
        PahoV3Client witness = pahoV3("manual-witness");
        witness.subscribe("manual/t", 1);
        HiveClient publisher = hive("manual-pub");
        for (int i = 0; i < 6; i++) {
            publisher.publish("manual/t", "m" + i, 1, false);
        }

        witness.inbox.awaitCount(6); // the broker has routed all six
        assertThat(subscriber.inbox.awaitCount(2)).hasSize(2);
        mosquittoDiverges("2.0.11 refills the window by two after one acknowledgement (see the raw test); HiveMQ"
                + " then stops receiving");
        for (int acknowledged = 0; acknowledged < 6; acknowledged++) {
            List<Msg> now = subscriber.inbox.awaitCount(Math.min(acknowledged + 2, 6));
            assertThat(now).as("never more than two unacknowledged").hasSizeLessThanOrEqualTo(acknowledged + 2);
            subscriber.acknowledge(now.get(acknowledged));
        }

        assertThat(subscriber.inbox.snapshot()).extracting(Msg::text)
                .containsExactly("m0", "m1", "m2", "m3", "m4", "m5");
        assertThat(subscriber.isConnected()).as("the client saw no Receive Maximum violation").isTrue();
    }

    /**
     * 2,000 QoS 1 messages as fast as the publisher can send them, with a queue big enough to hold them all (so no
     * drop is allowed): every one arrives, in order, and the subscriber stays connected.
     */
    @Test
    void burstOfQos1MessagesArrivesCompleteAndInOrder_MQTT_4_6_0_6() {
        startBroker(BrokerSettings.DEFAULTS.maximumQueuedMessages(5_000));
        PahoV3Client subscriber = pahoV3("burst-sub");
        subscriber.subscribe("burst/t", 1);
        HiveClient publisher = hive("burst-pub");
        List<CompletableFuture<?>> sent = new ArrayList<>();

        for (int i = 0; i < 2_000; i++) {
            sent.add(publisher.client().publishWith().topic("burst/t").qos(HiveClient.qos(1))
                    .payload(("m" + i).getBytes(StandardCharsets.UTF_8)).send());
        }

        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).orTimeout(20, TimeUnit.SECONDS).join();
        Awaitility.await("2000 messages or a lost connection (" + subscriber.inbox.size() + " received)")
                .dontCatchUncaughtExceptions()
                .atMost(Duration.ofSeconds(20))
                .until(() -> subscriber.inbox.size() >= 2_000 || !subscriber.lost.isEmpty());
        assertThat(subscriber.lost.snapshot()).as("the subscriber stays connected").isEmpty();
        assertThat(subscriber.inbox.snapshot()).extracting(Msg::text)
                .containsExactlyElementsOf(IntStream.range(0, 2_000).mapToObj(i -> "m" + i).toList());
    }
}
