package io.starling.it.pubsub;

import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.HiveClient;
import io.starling.it.kit.Msg;
import io.starling.it.kit.Packets;
import io.starling.it.kit.PahoV3Client;
import io.starling.it.kit.PahoV5Client;
import io.starling.it.kit.Props;
import io.starling.it.kit.ProtocolVersion;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.RawPacket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** QoS 0, 1 and 2 in both directions, downgrade to the granted QoS, redelivery and exactly-once. */
class QosTest extends BrokerTest {

    /**
     * A foreign client publishes at QoS p; a raw subscriber granted QoS s must receive it at min(p, s) on the wire
     * and complete that QoS flow.
     */
    @ParameterizedTest(name = "{0} published QoS {1}, subscribed QoS {2}")
    @CsvSource({
            "V3_1_1,0,0", "V3_1_1,0,1", "V3_1_1,0,2", "V3_1_1,1,0", "V3_1_1,1,1", "V3_1_1,1,2",
            "V3_1_1,2,0", "V3_1_1,2,1", "V3_1_1,2,2",
            "V5,0,0", "V5,0,1", "V5,0,2", "V5,1,0", "V5,1,1", "V5,1,2", "V5,2,0", "V5,2,1", "V5,2,2"})
    void deliveredAtTheMinimumOfPublishedAndGrantedQos_MQTT_3_8_4_8(ProtocolVersion version, int published,
                                                                    int subscribed) {
        RawClient subscriber = rawConnected(version, "qos-sub");
        assertThat(subscriber.subscribe(1, "qos/t", subscribed).reasonCodes())
                .as("granted as requested").containsExactly(subscribed);

        if (version.isV5()) {
            hive("qos-pub5").publish("qos/t", "payload", published, false);
        } else {
            pahoV3("qos-pub3").publish("qos/t", "payload", published, false);
        }

        RawPacket.Publish publish = subscriber.readPublish();
        int expected = Math.min(published, subscribed);
        assertThat(publish.qos()).isEqualTo(expected);
        assertThat(publish.dup()).as("a first delivery [MQTT-3.3.1-3]").isFalse();
        assertThat(publish.payloadText()).isEqualTo("payload");
        if (expected == 0) {
            assertThat(publish.packetId()).isZero();
        } else {
            assertThat(publish.packetId()).as("non-zero packet identifier [MQTT-2.2.1-4]").isNotZero();
        }
        completeInboundFlow(subscriber, publish);
        assertThat(subscriber.readUntilPingResp()).as("one delivery, nothing more").isEmpty();
    }

    /** A raw publisher at each QoS gets the acknowledgements the QoS defines; a foreign client receives once. */
    @ParameterizedTest(name = "{0} QoS {1}")
    @CsvSource({"V3_1_1,0", "V3_1_1,1", "V3_1_1,2", "V5,0", "V5,1", "V5,2"})
    void publisherReceivesTheAcknowledgementsOfItsQos_MQTT_3_3_4_1(ProtocolVersion version, int qos) {
        PahoV3Client subscriber = pahoV3("ack-sub");
        subscriber.subscribe("ack/#", 2);
        RawClient publisher = rawConnected(version, "ack-pub");

        publisher.send(Packets.publish(version, "ack/t").qos(qos, 42).payload("acked").build());
        if (qos == 1) {
            RawPacket.Ack pubAck = publisher.read(RawPacket.PUBACK).ack(version.isV5());
            assertThat(pubAck.packetId()).as("same packet identifier [MQTT-2.2.1-5]").isEqualTo(42);
            assertThat(pubAck.reasonCode()).isZero();
        } else if (qos == 2) {
            RawPacket.Ack pubRec = publisher.read(RawPacket.PUBREC).ack(version.isV5());
            assertThat(pubRec.packetId()).isEqualTo(42);
            assertThat(pubRec.reasonCode()).isZero();
            publisher.send(Packets.pubRel(42));
            assertThat(publisher.read(RawPacket.PUBCOMP).ack(version.isV5()).packetId()).isEqualTo(42);
        }
        publishQos2(publisher, "ack/marker", "marker", 43);

        assertThat(subscriber.inbox.awaitMarker(m -> m.topic().equals("ack/marker")))
                .extracting(Msg::key, Msg::qos)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ack/t:acked", qos),
                        org.assertj.core.groups.Tuple.tuple("ack/marker:marker", 2));
    }

    @Test
    void unacknowledgedQos1IsRedeliveredWithDupOnReconnect_MQTT_4_4_0_1_and_MQTT_3_3_1_1() {
        RawClient first = raw(ProtocolVersion.V5);
        first.connectOk(Packets.connect(ProtocolVersion.V5, "redeliver5").cleanStart(false)
                .properties(Props.props().sessionExpiry(60)));
        first.subscribe(1, "redeliver/t", 1);
        hive("redeliver-pub").publish("redeliver/t", "unacked", 1, false);
        RawPacket.Publish original = first.readPublish();
        assertThat(original.dup()).isFalse();
        first.close(); // no PUBACK, no DISCONNECT

        RawClient second = raw(ProtocolVersion.V5);
        RawPacket.ConnAck connAck = second.connectOk(Packets.connect(ProtocolVersion.V5, "redeliver5")
                .cleanStart(false).properties(Props.props().sessionExpiry(60)));
        assertThat(connAck.sessionPresent()).isTrue();
        RawPacket.Publish again = second.readPublish();

        assertThat(again.packetId()).as("original packet identifier").isEqualTo(original.packetId());
        assertThat(again.dup()).as("DUP set on re-delivery").isTrue();
        assertThat(again.qos()).isEqualTo(1);
        assertThat(again.payloadText()).isEqualTo("unacked");
        second.send(Packets.pubAck(again.packetId()));
        assertThat(second.readUntilPingResp()).as("acknowledged: not sent again [MQTT-4.4.0-1]").isEmpty();
    }

    @Test
    void unacknowledgedQos1IsRedeliveredWithDupToA311PersistentSession_MQTT_4_4_0_1() {
        RawClient first = raw(ProtocolVersion.V3_1_1);
        first.connectOk(Packets.connect(ProtocolVersion.V3_1_1, "redeliver311").cleanStart(false));
        first.subscribe(1, "redeliver311/t", 1);
        pahoV3("redeliver311-pub").publish("redeliver311/t", "unacked", 1, false);
        RawPacket.Publish original = first.readPublish();
        first.close();

        RawClient second = raw(ProtocolVersion.V3_1_1);
        assertThat(second.connectOk(Packets.connect(ProtocolVersion.V3_1_1, "redeliver311").cleanStart(false))
                .sessionPresent()).isTrue();
        RawPacket.Publish again = second.readPublish();

        assertThat(again.packetId()).isEqualTo(original.packetId());
        assertThat(again.dup()).isTrue();
        assertThat(again.payloadText()).isEqualTo("unacked");
    }

    @Test
    void unacknowledgedPubRelIsResentOnReconnect_MQTT_4_4_0_1() {
        RawClient first = raw(ProtocolVersion.V5);
        first.connectOk(Packets.connect(ProtocolVersion.V5, "pubrel5").cleanStart(false)
                .properties(Props.props().sessionExpiry(60)));
        first.subscribe(1, "pubrel/t", 2);
        hive("pubrel-pub").publish("pubrel/t", "exactly once", 2, false);
        RawPacket.Publish publish = first.readPublish();
        first.send(Packets.pubRec(publish.packetId()));
        RawPacket.Ack pubRel = first.read(RawPacket.PUBREL).ack(true);
        assertThat(pubRel.packetId()).isEqualTo(publish.packetId());
        first.close(); // no PUBCOMP

        RawClient second = raw(ProtocolVersion.V5);
        assertThat(second.connectOk(Packets.connect(ProtocolVersion.V5, "pubrel5").cleanStart(false)
                .properties(Props.props().sessionExpiry(60))).sessionPresent()).isTrue();

        RawPacket resent = second.read();
        assertThat(resent.type()).as("PUBREL again, not the PUBLISH [MQTT-4.3.3-6]").isEqualTo(RawPacket.PUBREL);
        assertThat(resent.flags()).isEqualTo(0x2);
        assertThat(resent.ack(true).packetId()).isEqualTo(publish.packetId());
        second.send(Packets.pubComp(publish.packetId()));
        assertThat(second.readUntilPingResp()).isEmpty();
    }

    @Test
    void retransmittedQos2PublishIsDeliveredOnlyOnce_MQTT_4_3_3_10() {
        PahoV5Client subscriber = pahoV5("once-sub");
        subscriber.subscribe("once/#", 2);
        RawClient publisher = rawConnected(ProtocolVersion.V5, "once-pub");
        byte[] publish = Packets.publish(ProtocolVersion.V5, "once/t").qos(2, 7).payload("first").build();
        byte[] retransmission = Packets.publish(ProtocolVersion.V5, "once/t").qos(2, 7).dup(true)
                .payload("first").build();

        publisher.send(publish);
        assertThat(publisher.read(RawPacket.PUBREC).ack(true).packetId()).isEqualTo(7);
        publisher.send(retransmission);
        assertThat(publisher.read(RawPacket.PUBREC).ack(true).packetId()).as("acknowledged again").isEqualTo(7);
        publisher.send(Packets.pubRel(7));
        assertThat(publisher.read(RawPacket.PUBCOMP).ack(true).packetId()).isEqualTo(7);
        // After PUBCOMP the identifier is free: the same identifier is a new message [MQTT-4.3.3-12].
        publisher.send(Packets.publish(ProtocolVersion.V5, "once/t").qos(2, 7).payload("second").build());
        assertThat(publisher.read(RawPacket.PUBREC).ack(true).packetId()).isEqualTo(7);
        publisher.send(Packets.pubRel(7));
        assertThat(publisher.read(RawPacket.PUBCOMP).ack(true).packetId()).isEqualTo(7);
        publishQos2(publisher, "once/marker", "marker", 8);

        assertThat(subscriber.inbox.awaitMarker(m -> m.topic().equals("once/marker")))
                .extracting(Msg::text).containsExactly("first", "second", "marker");
    }

    @Test
    void qos1PublishWithTheSameIdAfterPubAckIsANewMessage_MQTT_4_3_2_5() {
        HiveClient subscriber = hive("again-sub");
        subscriber.subscribe("again/#", 1);
        RawClient publisher = rawConnected(ProtocolVersion.V5, "again-pub");

        for (String payload : new String[] {"one", "two"}) {
            publisher.send(Packets.publish(ProtocolVersion.V5, "again/t").qos(1, 9).payload(payload).build());
            assertThat(publisher.read(RawPacket.PUBACK).ack(true).packetId()).isEqualTo(9);
        }
        publisher.send(Packets.publish(ProtocolVersion.V5, "again/marker").payload("marker").build());

        assertThat(subscriber.inbox.awaitMarker(m -> m.topic().equals("again/marker")))
                .extracting(Msg::text).containsExactly("one", "two", "marker");
    }

    /**
     * Publishes a QoS 2 marker and completes its flow. Markers after QoS 2 messages are QoS 2 themselves: Paho
     * hands QoS 2 messages to the application at PUBREL, so a QoS 0 marker could overtake them.
     */
    static void publishQos2(RawClient publisher, String topic, String payload, int packetId) {
        publisher.send(Packets.publish(publisher.version(), topic).qos(2, packetId).payload(payload).build());
        assertThat(publisher.read(RawPacket.PUBREC).ack(publisher.v5()).packetId()).isEqualTo(packetId);
        publisher.send(Packets.pubRel(packetId));
        assertThat(publisher.read(RawPacket.PUBCOMP).ack(publisher.v5()).packetId()).isEqualTo(packetId);
    }

    /** Acknowledges a PUBLISH the raw client received, as its QoS requires. */
    static void completeInboundFlow(RawClient client, RawPacket.Publish publish) {
        if (publish.qos() == 1) {
            client.send(Packets.pubAck(publish.packetId()));
        } else if (publish.qos() == 2) {
            client.send(Packets.pubRec(publish.packetId()));
            RawPacket.Ack pubRel = client.read(RawPacket.PUBREL).ack(client.v5());
            assertThat(pubRel.packetId()).isEqualTo(publish.packetId());
            client.send(Packets.pubComp(publish.packetId()));
        }
    }

    @Test
    void largePayloadArrivesByteForByte_MQTT_3_3_4_1() {
        PahoV3Client subscriber = pahoV3("large-sub");
        subscriber.subscribe("large/t", 1);
        byte[] payload = new byte[700 * 1024];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + (i >>> 8));
        }

        pahoV3("large-pub").publish("large/t", payload, 1, false);

        assertThat(subscriber.inbox.awaitCount(1).get(0).payload()).isEqualTo(payload);
    }
}
