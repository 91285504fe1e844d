package io.starling.it.storage;

import io.starling.broker.storage.BrokerStore;
import io.starling.it.kit.BrokerSettings;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.Msg;
import io.starling.it.kit.Packets;
import io.starling.it.kit.PahoV3Client;
import io.starling.it.kit.Props;
import io.starling.it.kit.ProtocolVersion;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.RawPacket;
import io.starling.storage.rocksdb.RocksDbStore;
import io.starling.storage.rocksdb.RocksDbStoreConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each kind of state a broker must remember, checked across a restart on the same data directory (RocksDB,
 * {@code sync}): persistent sessions and subscriptions, queued messages, in-flight QoS 1 and 2 state in both
 * directions, retained messages, delayed wills, and session and message expiry that go on counting.
 */
class RestartTest extends BrokerTest {
    private static final ProtocolVersion V5 = ProtocolVersion.V5;

    @TempDir
    Path data;

    @BeforeEach
    void startDurableBroker() {
        startBroker(BrokerSettings.DEFAULTS, this::openStore);
    }

    private BrokerStore openStore() {
        return RocksDbStore.open(data, RocksDbStoreConfig.sync());
    }

    private void restart() {
        stopBroker();
        startBroker(BrokerSettings.DEFAULTS, this::openStore);
    }

    private RawClient persistentV5(String clientId, long expirySeconds, boolean cleanStart) {
        RawClient client = raw(V5);
        client.connectOk(Packets.connect(V5, clientId).cleanStart(cleanStart)
                .properties(Props.props().sessionExpiry(expirySeconds)));
        return client;
    }

    private RawPacket.ConnAck reconnectV5(RawClient client, String clientId) {
        return client.connect(Packets.connect(V5, clientId).cleanStart(false)
                .properties(Props.props().sessionExpiry(300)));
    }

    private void publish(String topic, String payload, int qos, boolean retain) {
        try (PahoV3Client publisher = PahoV3Client.create(broker(), "publisher")) {
            publisher.connect(options -> { });
            publisher.publish(topic, payload, qos, retain); // returns once PUBACK / PUBCOMP arrived
            publisher.disconnect();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void persistentSessionAndItsSubscriptionsSurviveARestart_MQTT_3_2_2_2() {
        RawClient before = persistentV5("keeper", 300, true);
        assertThat(before.subscribe(1, "plant/+/temp", 1).reasonCodes()).containsExactly(1);
        before.send(Packets.disconnect());
        before.close();

        restart();

        RawClient after = raw(V5);
        assertThat(reconnectV5(after, "keeper").sessionPresent()).as("session present after restart").isTrue();
        publish("plant/oven/temp", "212", 1, false);
        RawPacket.Publish received = after.readPublish();
        assertThat(received.topic()).isEqualTo("plant/oven/temp");
        assertThat(received.payloadText()).isEqualTo("212");
    }

    @Test
    void cleanSessionZeroSessionOfMqtt311SurvivesARestart() {
        PahoV3Client before = pahoV3("v3-keeper", options -> options.setCleanSession(false));
        before.subscribe("v3/topic", 2);
        before.disconnect();

        restart();

        PahoV3Client after = pahoV3("v3-keeper", options -> options.setCleanSession(false));
        assertThat(after.sessionPresent()).isTrue();
        publish("v3/topic", "still subscribed", 2, false);
        assertThat(after.inbox.awaitCount(1).get(0).text()).isEqualTo("still subscribed");
    }

    @Test
    void queuedQos1AndQos2MessagesAreDeliveredOnceAfterARestart() {
        PahoV3Client offline = pahoV3("offline", options -> options.setCleanSession(false));
        offline.subscribe("queue/#", 2);
        offline.disconnect();
        for (int i = 0; i < 10; i++) {
            publish("queue/one", "q1-" + i, 1, false);
            publish("queue/two", "q2-" + i, 2, false);
        }

        restart();

        PahoV3Client back = pahoV3("offline", options -> options.setCleanSession(false));
        List<Msg> received = back.inbox.awaitCount(20);
        publish("queue/marker", "end", 1, false);
        List<String> all = back.inbox.awaitMarker(m -> m.text().equals("end")).stream().map(Msg::text).toList();
        assertThat(all.stream().filter(t -> t.startsWith("q1-")).toList())
                .containsExactly("q1-0", "q1-1", "q1-2", "q1-3", "q1-4", "q1-5", "q1-6", "q1-7", "q1-8", "q1-9");
        assertThat(all.stream().filter(t -> t.startsWith("q2-")).toList()) // QoS 2: each exactly once, in order
                .containsExactly("q2-0", "q2-1", "q2-2", "q2-3", "q2-4", "q2-5", "q2-6", "q2-7", "q2-8", "q2-9");
        assertThat(received).hasSize(20);
    }

    @Test
    void unacknowledgedQos1IsResentWithItsIdentifierAndDupAfterARestart_MQTT_4_4_0_1() {
        RawClient subscriber = persistentV5("slow-acker", 300, true);
        subscriber.subscribe(1, "inflight/q1", 1);
        publish("inflight/q1", "unacked", 1, false);
        RawPacket.Publish first = subscriber.readPublish();
        assertThat(first.dup()).isFalse();
        subscriber.close(); // no PUBACK

        restart();

        RawClient back = raw(V5);
        assertThat(reconnectV5(back, "slow-acker").sessionPresent()).isTrue();
        RawPacket.Publish again = back.readPublish();
        assertThat(again.payloadText()).isEqualTo("unacked");
        assertThat(again.packetId()).isEqualTo(first.packetId());
        assertThat(again.dup()).isTrue(); // [MQTT-3.3.1-1]
        back.send(Packets.pubAck(again.packetId()));
    }

    @Test
    void qos2ReleasedByPubrecIsCompletedWithPubrelAfterARestart_MQTT_4_3_3() {
        RawClient subscriber = persistentV5("qos2-receiver", 300, true);
        subscriber.subscribe(1, "inflight/q2", 2);
        publish("inflight/q2", "exactly once", 2, false);
        RawPacket.Publish publish = subscriber.readPublish();
        subscriber.send(Packets.pubRec(publish.packetId()));
        assertThat(subscriber.read(RawPacket.PUBREL).ack(true).packetId()).isEqualTo(publish.packetId());
        subscriber.close(); // no PUBCOMP

        restart();

        RawClient back = raw(V5);
        assertThat(reconnectV5(back, "qos2-receiver").sessionPresent()).isTrue();
        RawPacket next = back.read();
        assertThat(next.type()).as("PUBREL resent, not the PUBLISH: %s", next).isEqualTo(RawPacket.PUBREL);
        assertThat(next.ack(true).packetId()).isEqualTo(publish.packetId());
        back.send(Packets.pubComp(publish.packetId()));
        publish("inflight/q2", "next", 2, false);
        RawPacket.Publish following = back.readPublish();
        assertThat(following.payloadText()).isEqualTo("next");
    }

    @Test
    void inboundQos2AwaitingPubrelIsNotDeliveredTwiceAfterARestart_MQTT_4_3_3_10() {
        PahoV3Client watcher = pahoV3("watcher", options -> options.setCleanSession(false));
        watcher.subscribe("inbound/q2", 1);
        RawClient publisher = persistentV5("q2-publisher", 300, true);
        byte[] message = Packets.publish(V5, "inbound/q2").qos(2, 7).payload("once").build();
        publisher.send(message);
        assertThat(publisher.read(RawPacket.PUBREC).ack(true).reasonCode()).isZero();
        publisher.close(); // no PUBREL
        assertThat(watcher.inbox.awaitCount(1).get(0).text()).isEqualTo("once");
        watcher.disconnect();

        restart();

        PahoV3Client watcherBack = pahoV3("watcher", options -> options.setCleanSession(false));
        RawClient back = raw(V5);
        assertThat(reconnectV5(back, "q2-publisher").sessionPresent()).isTrue();
        back.send(Packets.publish(V5, "inbound/q2").qos(2, 7).dup(true).payload("once").build());
        assertThat(back.read(RawPacket.PUBREC).ack(true).reasonCode()).isZero();
        back.send(Packets.pubRel(7));
        RawPacket.Ack pubComp = back.read(RawPacket.PUBCOMP).ack(true);
        assertThat(pubComp.reasonCode()).as("the identifier was remembered, so PUBCOMP 0x00, not 0x92").isZero();
        publish("inbound/q2", "marker", 1, false);
        assertThat(watcherBack.inbox.awaitMarker(m -> m.text().equals("marker")))
                .extracting(Msg::text).containsExactly("marker");
    }

    @Test
    void retainedMessagesAndTheirDeletionSurviveARestart_MQTT_3_3_1_5_MQTT_3_3_1_6() {
        publish("retained/kept", "kept", 1, true);
        publish("retained/deleted", "soon gone", 1, true);
        publish("retained/deleted", "", 1, true);

        restart();

        RawClient subscriber = rawConnected(V5, "late");
        subscriber.subscribe(1, "retained/#", 1);
        RawPacket.Publish retained = subscriber.readPublish();
        assertThat(retained.topic()).isEqualTo("retained/kept");
        assertThat(retained.retain()).isTrue();
        subscriber.send(Packets.pubAck(retained.packetId()));
        assertThat(subscriber.readUntilPingResp()).as("nothing else is retained").isEmpty();
    }

    @Test
    void delayedWillIsPublishedAfterARestart_MQTT_3_1_3_9() {
        RawClient dying = raw(V5);
        dying.connectOk(Packets.connect(V5, "dying").cleanStart(true)
                .properties(Props.props().sessionExpiry(300))
                .will("wills/dying", "gone", 1, false)
                .willProperties(Props.props().willDelay(2)));
        dying.close(); // not a DISCONNECT: the will is due in 2 s

        restart();

        PahoV3Client watcher = pahoV3("will-watcher");
        watcher.subscribe("wills/#", 1);
        Msg will = watcher.inbox.await(m -> m.topic().equals("wills/dying"), Duration.ofSeconds(15));
        assertThat(will.text()).isEqualTo("gone");
        publish("wills/marker", "end", 1, false);
        assertThat(watcher.inbox.awaitMarker(m -> m.text().equals("end"))).extracting(Msg::text)
                .containsExactly("gone", "end");
    }

    @Test
    void sessionExpiryGoesOnCountingAcrossARestart_MQTT_3_1_2_23() {
        RawClient shortLived = persistentV5("short-lived", 2, true);
        shortLived.subscribe(1, "expiry/x", 1);
        shortLived.send(Packets.disconnect());
        shortLived.close();
        RawClient longLived = persistentV5("long-lived", 300, true);
        longLived.send(Packets.disconnect());
        longLived.close();

        restart();
        awaitBrokerTime(Duration.ofSeconds(3));

        RawClient expired = raw(V5);
        assertThat(reconnectV5(expired, "short-lived").sessionPresent()).as("expired during or after the restart")
                .isFalse();
        RawClient kept = raw(V5);
        assertThat(reconnectV5(kept, "long-lived").sessionPresent()).isTrue();
    }

    @Test
    void queuedMessageThatExpiredIsNotDeliveredAfterARestart_MQTT_3_3_2_5() {
        RawClient subscriber = persistentV5("expiring-queue", 300, true);
        subscriber.subscribe(1, "expiring/#", 1);
        subscriber.send(Packets.disconnect());
        subscriber.close();
        RawClient publisher = rawConnected(V5, "expiring-publisher");
        publisher.send(Packets.publish(V5, "expiring/short").qos(1, 1)
                .properties(Props.props().messageExpiry(1)).payload("stale").build());
        assertThat(publisher.read(RawPacket.PUBACK).ack(true).reasonCode()).isZero();
        publisher.send(Packets.publish(V5, "expiring/long").qos(1, 2)
                .properties(Props.props().messageExpiry(600)).payload("fresh").build());
        assertThat(publisher.read(RawPacket.PUBACK).ack(true).reasonCode()).isZero();

        restart();
        awaitBrokerTime(Duration.ofSeconds(2));

        RawClient back = raw(V5);
        assertThat(reconnectV5(back, "expiring-queue").sessionPresent()).isTrue();
        RawPacket.Publish delivered = back.readPublish();
        assertThat(delivered.payloadText()).isEqualTo("fresh");
        back.send(Packets.pubAck(delivered.packetId()));
        assertThat(back.readUntilPingResp()).as("the expired message is gone").isEmpty();
    }

    @Test
    void sessionEndedByCleanStartIsGoneFromTheStore_MQTT_3_1_2_4() {
        RawClient first = persistentV5("cleaned", 300, true);
        first.subscribe(1, "cleaned/x", 1);
        first.send(Packets.disconnect());
        first.close();
        RawClient cleaner = persistentV5("cleaned", 0, true); // Clean Start ends the stored session
        cleaner.send(Packets.disconnect());
        cleaner.close();

        restart();

        RawClient back = raw(V5);
        assertThat(reconnectV5(back, "cleaned").sessionPresent()).isFalse();
    }
}
