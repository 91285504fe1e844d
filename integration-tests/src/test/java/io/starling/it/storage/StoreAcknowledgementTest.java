package io.starling.it.storage;

import io.starling.it.kit.BrokerSettings;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.Packets;
import io.starling.it.kit.Props;
import io.starling.it.kit.ProtocolVersion;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.RawPacket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a publisher is told depends on the store: an acknowledgement only once what the PUBLISH changed is stored,
 * in the order of the PUBLISHes even when only some had to wait, and a refusal (never a false acknowledgement)
 * when the store fails - after which the broker goes on, and stores again once the store recovers.
 */
class StoreAcknowledgementTest extends BrokerTest {
    private static final ProtocolVersion V5 = ProtocolVersion.V5;
    private static final int QUOTA_EXCEEDED = 0x97;
    private static final int UNSPECIFIED_ERROR = 0x80;

    private final ControlledStore store = new ControlledStore();

    @BeforeEach
    void startWithControlledStore() {
        startBroker(BrokerSettings.DEFAULTS, () -> store);
    }

    /** A persistent session subscribed to {@code filter}, offline: messages for it must be stored. */
    private void offlineSubscriber(String clientId, String filter) {
        RawClient subscriber = raw(V5);
        subscriber.connectOk(Packets.connect(V5, clientId).properties(Props.props().sessionExpiry(300)));
        subscriber.subscribe(1, filter, 2);
        subscriber.send(Packets.disconnect());
        subscriber.close();
    }

    private RawClient reconnect(String clientId) {
        RawClient client = raw(V5);
        client.connectOk(Packets.connect(V5, clientId).cleanStart(false).properties(Props.props().sessionExpiry(300)));
        return client;
    }

    @Test
    void pubackAndPubrecWaitUntilTheMessageIsStored() {
        offlineSubscriber("keeper", "stored/#");
        RawClient publisher = rawConnected(V5, "publisher");
        store.hold();

        publisher.send(Packets.publish(V5, "stored/q1").qos(1, 1).payload("one").build());
        publisher.send(Packets.publish(V5, "stored/q2").qos(2, 2).payload("two").build());
        await("both writes reach the store").until(() -> store.heldWrites() == 2);
        assertThat(publisher.readUntilPingResp()).as("no acknowledgement before the write completes").isEmpty();

        store.release();
        RawPacket.Ack puback = publisher.read(RawPacket.PUBACK).ack(true);
        assertThat(puback.packetId()).isEqualTo(1);
        assertThat(puback.reasonCode()).isZero();
        RawPacket.Ack pubrec = publisher.read(RawPacket.PUBREC).ack(true);
        assertThat(pubrec.packetId()).isEqualTo(2);
        assertThat(pubrec.reasonCode()).isZero();

        RawClient keeper = reconnect("keeper");
        assertThat(keeper.readPublish().payloadText()).isEqualTo("one");
    }

    @Test
    void acknowledgementsKeepThePublishOrderWhenOnlySomeWaitForTheStore_MQTT_4_6_0_2() {
        offlineSubscriber("keeper", "stored/#");
        RawClient publisher = rawConnected(V5, "publisher");
        store.hold();

        publisher.send(Packets.publish(V5, "stored/a").qos(1, 10).payload("stored").build());
        publisher.send(Packets.publish(V5, "nobody/listens").qos(1, 11).payload("not stored").build());
        await("the first write reaches the store").until(() -> store.heldWrites() == 1);
        assertThat(publisher.readUntilPingResp()).as("the second PUBACK waits behind the first").isEmpty();

        store.release();
        assertThat(publisher.read(RawPacket.PUBACK).ack(true).packetId()).isEqualTo(10);
        RawPacket.Ack second = publisher.read(RawPacket.PUBACK).ack(true);
        assertThat(second.packetId()).isEqualTo(11);
        assertThat(second.reasonCode()).isEqualTo(0x10); // No matching subscribers
    }

    @Test
    void subackWaitsUntilThePersistentSubscriptionIsStored() {
        RawClient subscriber = raw(V5);
        subscriber.connectOk(Packets.connect(V5, "durable-sub").properties(Props.props().sessionExpiry(300)));
        await("the session record is written").until(() -> store.writes() >= 1);
        store.hold();
        subscriber.send(Packets.subscribe(V5, 5, "durable/topic", 1));
        await("the subscription write reaches the store").until(() -> store.heldWrites() == 1);
        assertThat(subscriber.readUntilPingResp()).isEmpty();

        store.release();
        assertThat(subscriber.read(RawPacket.SUBACK).subAck(true).reasonCodes()).containsExactly(1);
    }

    @Test
    void v5PublisherIsToldWhenTheStoreFailsAndTheBrokerRecovers() {
        offlineSubscriber("keeper", "stored/#");
        RawClient publisher = rawConnected(V5, "publisher");

        store.failWith("IO error: No space left on device");
        publisher.send(Packets.publish(V5, "stored/full").qos(1, 1).payload("lost?").build());
        assertThat(publisher.read(RawPacket.PUBACK).ack(true).reasonCode()).as("disk full").isEqualTo(QUOTA_EXCEEDED);
        store.failWith("IO error: Input/output error");
        publisher.send(Packets.publish(V5, "stored/broken").qos(2, 2).payload("lost?").build());
        assertThat(publisher.read(RawPacket.PUBREC).ack(true).reasonCode()).isEqualTo(UNSPECIFIED_ERROR);

        store.failWith(null);
        // The refused QoS 2 flow ended at PUBREC: its identifier is free again ([MQTT-4.3.3-?] error PUBREC).
        publisher.send(Packets.publish(V5, "stored/recovered").qos(2, 2).payload("kept").build());
        assertThat(publisher.read(RawPacket.PUBREC).ack(true).reasonCode()).isZero();
        publisher.send(Packets.pubRel(2));
        assertThat(publisher.read(RawPacket.PUBCOMP).ack(true).reasonCode()).isZero();

        RawClient keeper = reconnect("keeper");
        RawPacket.Publish first = keeper.readPublish();
        assertThat(first.payloadText()).as("refused messages are not delivered").isEqualTo("kept");
        keeper.send(Packets.pubRec(first.packetId()));
        keeper.read(RawPacket.PUBREL);
        keeper.send(Packets.pubComp(first.packetId()));
        assertThat(keeper.readUntilPingResp()).isEmpty();
    }

    @Test
    void mqtt311PublisherIsDisconnectedInsteadOfAcknowledgedWhenTheStoreFails() {
        offlineSubscriber("keeper", "stored/#");
        RawClient publisher = rawConnected(ProtocolVersion.V3_1_1, "v3-publisher");
        store.failWith("IO error: No space left on device");

        publisher.send(Packets.publish(ProtocolVersion.V3_1_1, "stored/x").qos(1, 1).payload("x").build());

        assertThat(publisher.awaitClosed()).as("closed without a PUBACK").isEmpty();
    }

    @Test
    void trafficBetweenCleanSessionsWritesNothing() {
        RawClient subscriber = rawConnected(V5, "clean-sub");
        subscriber.subscribe(1, "clean/#", 2);
        RawClient publisher = rawConnected(V5, "clean-pub");
        publisher.send(Packets.publish(V5, "clean/x").qos(1, 1).payload("x").build());
        assertThat(publisher.read(RawPacket.PUBACK).ack(true).reasonCode()).isZero();
        RawPacket.Publish received = subscriber.readPublish();
        subscriber.send(Packets.pubAck(received.packetId()));
        assertThat(subscriber.readUntilPingResp()).isEmpty();

        assertThat(store.writes()).as("sessions that end with their connection are never stored").isZero();
    }
}
