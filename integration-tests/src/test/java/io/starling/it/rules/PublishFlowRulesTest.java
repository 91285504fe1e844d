package io.starling.it.rules;

import io.netty.buffer.Unpooled;
import io.starling.broker.Broker;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.Disconnect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PubAck;
import io.starling.codec.packet.PubComp;
import io.starling.codec.packet.PubRec;
import io.starling.codec.packet.PubRel;
import io.starling.codec.packet.Publish;
import io.starling.codec.packet.UnsubAck;
import io.starling.codec.packet.Unsubscribe;
import io.starling.codec.packet.Will;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static io.starling.it.rules.RuleSupport.config;
import static io.starling.it.rules.WireConnection.publish;
import static io.starling.it.rules.WireConnection.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The QoS 1 and 2 flows in both directions, seen on the wire: DUP, unknown identifiers, negative
 * acknowledgements, message expiry during a flow, UNSUBSCRIBE while a delivery is in flight, the Receive Maximum
 * on reconnect, and what a server DISCONNECT may carry.
 */
class PublishFlowRulesTest {
    private final List<WireConnection> connections = new ArrayList<>();
    private Broker broker;

    @AfterEach
    void stop() {
        connections.forEach(WireConnection::close);
        if (broker != null) {
            broker.close();
        }
    }

    private WireConnection wire(MqttVersion version) {
        WireConnection connection = WireConnection.open(broker.port(), version);
        connections.add(connection);
        return connection;
    }

    /**
     * Connects a client whose session outlives its connection: 5.0 with a Session Expiry Interval and the given
     * Clean Start, 3.1.1 always with CleanSession 0.
     */
    private WireConnection persistent(MqttVersion version, String clientId, boolean cleanStart,
                                      MqttProperties extra) {
        WireConnection connection = wire(version);
        if (version.isV5()) {
            connection.connectOk(clientId, cleanStart, extra.toBuilder().sessionExpiryInterval(600L).build());
        } else {
            connection.connectOk(clientId, false, MqttProperties.EMPTY);
        }
        return connection;
    }

    /**
     * Like {@link #persistent} on a first connection, with a will on {@code lost/<clientId>}, so that
     * {@link #loseConnection} can tell when the broker has handled the loss.
     */
    private WireConnection persistentWithWill(String clientId) {
        WireConnection connection = wire(MqttVersion.MQTT_5);
        connection.connect(new Connect(MqttVersion.MQTT_5, clientId, true, 0, null, null,
                new Will("lost/" + clientId, new byte[] {'x'}, QoS.AT_MOST_ONCE, false, MqttProperties.EMPTY),
                RuleSupport.sessionExpiry(600)));
        return connection;
    }

    /**
     * Closes the socket and returns once the broker has handled the loss: its will has arrived at a watcher. The
     * will is published in the same step, on the session's thread, that takes the connection away, so anything
     * routed to the session afterwards finds it offline.
     */
    private void loseConnection(WireConnection client, String clientId) {
        WireConnection watcher = wire(MqttVersion.MQTT_5);
        watcher.connectOk("loss-watcher-" + clientId, true, MqttProperties.EMPTY);
        watcher.subscribe(1, "lost/" + clientId, QoS.AT_MOST_ONCE);
        client.close();
        assertThat(watcher.receive(Publish.class).topic()).isEqualTo("lost/" + clientId);
    }

    private WireConnection publisher(MqttVersion version) {
        WireConnection connection = wire(version);
        connection.connectOk("publisher", true, MqttProperties.EMPTY);
        return connection;
    }

    /** Publishes at QoS 1 and waits for the PUBACK, so the broker has routed the message. */
    private static void publishQos1(WireConnection publisher, String topic, int packetId, String payload) {
        publisher.send(publish(topic, QoS.AT_LEAST_ONCE, packetId, payload, MqttProperties.EMPTY));
        assertThat(publisher.receive(PubAck.class).packetId()).isEqualTo(packetId);
    }

    // ---- DUP --------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void inboundDupIsNotPassedOnToSubscribers_MQTT_3_3_1_3(MqttVersion version) {
        broker = Broker.start(config());
        WireConnection subscriber = wire(version);
        subscriber.connectOk("dup-subscriber", true, MqttProperties.EMPTY);
        subscriber.subscribe(1, "dup/#", QoS.AT_LEAST_ONCE);
        WireConnection publisher = publisher(version);

        // The first and only transmission, but marked DUP by the publisher.
        publisher.send(new Publish("dup/t", QoS.AT_LEAST_ONCE, false, true, 7, MqttProperties.EMPTY,
                Unpooled.wrappedBuffer(new byte[] {'d'})));
        assertThat(publisher.receive(PubAck.class).packetId()).isEqualTo(7);

        Publish delivered = subscriber.receive(Publish.class);
        assertThat(delivered.qos()).isEqualTo(QoS.AT_LEAST_ONCE);
        assertThat(delivered.dup()).as("DUP of a first delivery").isFalse();
    }

    // ---- unknown packet identifiers ---------------------------------------------------------------------------

    @Test
    void pubRecForAnIdentifierNeverSentIsAnsweredWithPubRel0x92_MQTT_3_6_2_1() {
        broker = Broker.start(config());
        WireConnection client = wire(MqttVersion.MQTT_5);
        client.connectOk("stray-pubrec", true, MqttProperties.EMPTY);

        client.send(new PubRec(42));

        PubRel answer = client.receive(PubRel.class);
        assertThat(answer.packetId()).isEqualTo(42);
        assertThat(answer.reasonCode()).isEqualTo(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void pubRelForAnUnknownIdentifierIsAnsweredWithPubComp_MQTT_3_7_2_1(MqttVersion version) {
        broker = Broker.start(config());
        WireConnection client = wire(version);
        client.connectOk("stray-pubrel", true, MqttProperties.EMPTY);

        client.send(new PubRel(43));

        PubComp answer = client.receive(PubComp.class);
        assertThat(answer.packetId()).isEqualTo(43);
        // 5.0: 0x92 Packet Identifier not found; 3.1.1 has no reason codes.
        assertThat(answer.reasonCode()).isEqualTo(version.isV5() ? ReasonCode.PACKET_IDENTIFIER_NOT_FOUND
                : ReasonCode.SUCCESS);
    }

    // ---- UNSUBSCRIBE ------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void unsubscribeWithFlags0000IsMalformed_MQTT_3_10_1_1(MqttVersion version) {
        broker = Broker.start(config());
        WireConnection client = wire(version);
        client.connectOk("bad-unsubscribe", true, MqttProperties.EMPTY);
        byte[] unsubscribe = WireConnection.encode(new Unsubscribe(1, List.of("a/b"), MqttProperties.EMPTY), version);
        assertThat(unsubscribe[0]).isEqualTo((byte) 0xA2);
        unsubscribe[0] = (byte) 0xA0; // reserved bits 0000 instead of 0010

        client.sendBytes(unsubscribe);

        List<MqttPacket> beforeClose = client.awaitClosed();
        if (version.isV5()) {
            assertThat(beforeClose).singleElement().isInstanceOfSatisfying(Disconnect.class,
                    d -> assertThat(d.reasonCode()).isEqualTo(ReasonCode.MALFORMED_PACKET));
        } else {
            assertThat(beforeClose).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void deliveryStartedBeforeUnsubscribeIsCompleted_MQTT_3_10_4_3(MqttVersion version) {
        broker = Broker.start(config());
        WireConnection subscriber = persistent(version, "unsubscriber", true, MqttProperties.EMPTY);
        subscriber.subscribe(1, "unsub/#", QoS.AT_LEAST_ONCE);
        WireConnection publisher = publisher(version);
        publishQos1(publisher, "unsub/t", 1, "in flight");
        Publish inFlight = subscriber.receive(Publish.class);

        subscriber.send(new Unsubscribe(2, List.of("unsub/#"), MqttProperties.EMPTY));
        assertThat(subscriber.receive(UnsubAck.class).packetId()).isEqualTo(2);
        publishQos1(publisher, "unsub/t", 2, "after unsubscribe");
        subscriber.close(); // the PUBACK never went out

        WireConnection again = persistent(version, "unsubscriber", false, MqttProperties.EMPTY);
        Publish resent = again.receive(Publish.class);
        assertThat(resent.packetId()).isEqualTo(inFlight.packetId());
        assertThat(resent.dup()).isTrue();
        assertThat(text(resent)).isEqualTo("in flight");
        again.send(new PubAck(resent.packetId()));
        assertThat(again.pingAndCollect()).as("nothing for the deleted subscription").isEmpty();
    }

    // ---- DISCONNECT from the server ---------------------------------------------------------------------------

    @Test
    void serverDisconnectCarriesNoSessionExpiryInterval_MQTT_3_14_2_2() {
        broker = Broker.start(config());
        WireConnection first = persistent(MqttVersion.MQTT_5, "twin", true, MqttProperties.EMPTY);
        persistent(MqttVersion.MQTT_5, "twin", false, MqttProperties.EMPTY); // takes the session over

        List<MqttPacket> takenOver = first.awaitClosed();
        assertThat(takenOver).singleElement().isInstanceOfSatisfying(Disconnect.class, d -> {
            assertThat(d.reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
            assertThat(d.properties().sessionExpiryInterval()).isNull();
        });

        WireConnection violator = persistent(MqttVersion.MQTT_5, "violator", true, MqttProperties.EMPTY);
        violator.send(WireConnection.connectPacket(MqttVersion.MQTT_5, "violator", true, RuleSupport.sessionExpiry(9)));
        assertThat(violator.awaitClosed()).singleElement().isInstanceOfSatisfying(Disconnect.class, d -> {
            assertThat(d.reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
            assertThat(d.properties().sessionExpiryInterval()).isNull();
        });
    }

    // ---- QoS 2 and message expiry -----------------------------------------------------------------------------

    @Test
    void qos2MessageStillInFlightIsResentAfterItsExpiry_MQTT_4_3_3_7() {
        broker = Broker.start(config());
        WireConnection subscriber = persistentWithWill("slow-qos2");
        subscriber.subscribe(1, "expiring/#", QoS.EXACTLY_ONCE);
        WireConnection publisher = publisher(MqttVersion.MQTT_5);
        MqttProperties oneSecond = MqttProperties.builder().messageExpiryInterval(1L).build();
        publisher.send(publish("expiring/t", QoS.EXACTLY_ONCE, 1, "sent", oneSecond));
        publisher.receive(PubRec.class);
        Publish sent = subscriber.receive(Publish.class);
        loseConnection(subscriber, "slow-qos2"); // no PUBREC: the PUBLISH stays in flight
        // The control: the same expiry on a message that waits in the queue, never sent.
        publisher.send(publish("expiring/t", QoS.EXACTLY_ONCE, 2, "queued", oneSecond));
        publisher.receive(PubRec.class);

        RuleSupport.letTheBrokerClockRun(broker, 2);

        WireConnection again = persistent(MqttVersion.MQTT_5, "slow-qos2", false, MqttProperties.EMPTY);
        Publish resent = again.receive(Publish.class);
        assertThat(resent.packetId()).isEqualTo(sent.packetId());
        assertThat(resent.dup()).isTrue();
        assertThat(text(resent)).isEqualTo("sent");
        assertThat(again.pingAndCollect()).as("the expired queued message is not sent").isEmpty();
        again.send(new PubRec(resent.packetId()));
        assertThat(again.receive(PubRel.class).packetId()).isEqualTo(resent.packetId());
        again.send(new PubComp(resent.packetId()));
    }

    @Test
    void refusedQos2IdentifierIsANewMessageNextTime_MQTT_4_3_3_9() {
        broker = Broker.start(config());
        WireConnection subscriber = wire(MqttVersion.MQTT_5);
        subscriber.connectOk("format-subscriber", true, MqttProperties.EMPTY);
        subscriber.subscribe(1, "format/#", QoS.AT_MOST_ONCE);
        WireConnection publisher = publisher(MqttVersion.MQTT_5);
        MqttProperties utf8 = MqttProperties.builder().payloadFormatIndicator(1).build();

        publisher.send(new Publish("format/t", QoS.EXACTLY_ONCE, false, false, 5, utf8,
                Unpooled.wrappedBuffer(new byte[] {(byte) 0xC3, 0x28}))); // not UTF-8
        PubRec refused = publisher.receive(PubRec.class);
        assertThat(refused.reasonCode()).isEqualTo(ReasonCode.PAYLOAD_FORMAT_INVALID);

        publisher.send(publish("format/t", QoS.EXACTLY_ONCE, 5, "valid", utf8)); // same identifier, new message
        PubRec accepted = publisher.receive(PubRec.class);
        assertThat(accepted.packetId()).isEqualTo(5);
        assertThat(accepted.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
        assertThat(text(subscriber.receive(Publish.class))).isEqualTo("valid");
        publisher.send(new PubRel(5));
        assertThat(publisher.receive(PubComp.class).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
    }

    @Test
    void inboundQos2FlowIsCompletedAfterTheMessageExpired_MQTT_4_3_3_13() {
        broker = Broker.start(config());
        WireConnection publisher = publisher(MqttVersion.MQTT_5);
        publisher.send(publish("expiring/inbound", QoS.EXACTLY_ONCE, 9, "short-lived",
                MqttProperties.builder().messageExpiryInterval(1L).build()));
        assertThat(publisher.receive(PubRec.class).reasonCode().isError()).isFalse();

        RuleSupport.letTheBrokerClockRun(broker, 2);

        publisher.send(new PubRel(9));
        PubComp complete = publisher.receive(PubComp.class);
        assertThat(complete.packetId()).isEqualTo(9);
        assertThat(complete.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
    }

    // ---- negative acknowledgements ----------------------------------------------------------------------------

    @Test
    void negativelyAcknowledgedMessagesAreNeverResent_MQTT_4_4_0_2() {
        broker = Broker.start(config());
        WireConnection subscriber = persistent(MqttVersion.MQTT_5, "refuser", true, MqttProperties.EMPTY);
        subscriber.subscribe(1, "refuse/#", QoS.EXACTLY_ONCE);
        WireConnection publisher = publisher(MqttVersion.MQTT_5);
        publishQos1(publisher, "refuse/one", 1, "qos 1");
        publisher.send(publish("refuse/two", QoS.EXACTLY_ONCE, 2, "qos 2", MqttProperties.EMPTY));
        publisher.receive(PubRec.class);

        Publish qos1 = subscriber.receive(Publish.class);
        Publish qos2 = subscriber.receive(Publish.class);
        assertThat(List.of(qos1.qos(), qos2.qos())).containsExactly(QoS.AT_LEAST_ONCE, QoS.EXACTLY_ONCE);
        subscriber.send(new PubAck(qos1.packetId(), ReasonCode.UNSPECIFIED_ERROR, MqttProperties.EMPTY));
        subscriber.send(new PubRec(qos2.packetId(), ReasonCode.UNSPECIFIED_ERROR, MqttProperties.EMPTY));
        assertThat(subscriber.pingAndCollect()).as("no PUBREL after PUBREC 0x80").isEmpty();
        subscriber.close();

        WireConnection again = persistent(MqttVersion.MQTT_5, "refuser", false, MqttProperties.EMPTY);
        assertThat(again.pingAndCollect()).as("resent after reconnecting").isEmpty();
    }

    // ---- Receive Maximum on reconnect -------------------------------------------------------------------------

    @Test
    void reconnectResendsNoMoreThanTheNewReceiveMaximum_MQTT_3_3_4_9_and_MQTT_4_9_0_2() {
        broker = Broker.start(config());
        WireConnection subscriber = persistentWithWill("narrowing");
        subscriber.subscribe(1, "window/#", QoS.AT_LEAST_ONCE);
        WireConnection publisher = publisher(MqttVersion.MQTT_5);
        List<Integer> inFlight = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            publishQos1(publisher, "window/t", i, "m" + i);
            inFlight.add(subscriber.receive(Publish.class).packetId());
        }
        loseConnection(subscriber, "narrowing"); // three unacknowledged
        publishQos1(publisher, "window/t", 4, "m4"); // and one queued while offline

        WireConnection again = persistent(MqttVersion.MQTT_5, "narrowing", false,
                MqttProperties.builder().receiveMaximum(1).build());
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Publish publish = again.receive(Publish.class);
            order.add(text(publish) + (publish.dup() ? " dup" : ""));
            if (i < 3) {
                assertThat(publish.packetId()).isEqualTo(inFlight.get(i));
            }
            assertThat(again.pingAndCollect()).as("sent beyond Receive Maximum 1 after %s", order).isEmpty();
            again.send(new PubAck(publish.packetId()));
        }
        assertThat(order).containsExactly("m1 dup", "m2 dup", "m3 dup", "m4");
        assertThat(again.pingAndCollect()).isEmpty();
    }
}
