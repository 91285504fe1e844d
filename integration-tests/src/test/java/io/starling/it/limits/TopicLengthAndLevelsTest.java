package io.starling.it.limits;

import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.Packets;
import io.starling.it.kit.Props;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.RawPacket;
import io.starling.it.kit.StarlingBroker;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.starling.it.kit.ProtocolVersion.V3_1_1;
import static io.starling.it.kit.ProtocolVersion.V5;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code connection.maximum-topic-length} and {@code connection.maximum-topic-levels} (here 32 bytes and 4 levels)
 * on PUBLISH topics, SUBSCRIBE filters and will topics, for MQTT 5 and 3.1.1 clients. A topic over a limit is well
 * formed but not accepted: MQTT 5 says so with 0x90 Topic Name invalid or 0x8F Topic Filter invalid; MQTT 3.1.1,
 * which has no such code in PUBACK or CONNACK, gets its connection closed (SUBACK has 0x80 Failure).
 */
class TopicLengthAndLevelsTest extends BrokerTest {
    private static final int TOPIC_NAME_INVALID = 0x90;
    private static final int TOPIC_FILTER_INVALID = 0x8F;
    /** 35 bytes. */
    private static final String TOO_LONG = "long/" + "x".repeat(30);
    /** 5 levels. */
    private static final String TOO_DEEP = "a/b/c/d/e";
    /** Exactly 32 bytes and 4 levels. */
    private static final String AT_THE_LIMITS = "a/b/c/" + "x".repeat(26);

    private StarlingBroker start() {
        return (StarlingBroker) startBroker(LimitsSupport.connectionLimits(c -> c.withTopicLimits(32, 4)), () -> null);
    }

    private long topicsOverLimit(StarlingBroker broker) {
        return broker.broker().metrics().topicsOverLimit();
    }

    @Test
    void v5PublishOverTheLimitsIsRefusedInItsAcknowledgementAndTheConnectionStays_MQTT_3_4_2_1_and_MQTT_3_5_2_1() {
        StarlingBroker broker = start();
        RawClient watcher = rawConnected(V5, "watcher");
        watcher.subscribe(1, "#", 0);
        RawClient publisher = rawConnected(V5, "publisher");

        publisher.send(Packets.publish(V5, TOO_LONG).qos(1, 10).payload("too long").build());
        RawPacket.Ack tooLong = publisher.read(RawPacket.PUBACK).ack(true);
        publisher.send(Packets.publish(V5, TOO_DEEP).qos(2, 11).payload("too deep").build());
        RawPacket.Ack tooDeep = publisher.read(RawPacket.PUBREC).ack(true);
        publisher.send(Packets.publish(V5, AT_THE_LIMITS).qos(1, 12).payload("fits").build());
        RawPacket.Ack fits = publisher.read(RawPacket.PUBACK).ack(true);

        assertThat(tooLong.packetId()).isEqualTo(10);
        assertThat(tooLong.reasonCode()).isEqualTo(TOPIC_NAME_INVALID);
        assertThat(tooDeep.packetId()).isEqualTo(11);
        assertThat(tooDeep.reasonCode()).isEqualTo(TOPIC_NAME_INVALID);
        assertThat(fits.reasonCode()).as("a topic exactly at both limits").isZero();
        assertThat(watcher.readPublish().topic()).as("only the accepted message is delivered")
                .isEqualTo(AT_THE_LIMITS);
        assertThat(publisher.readUntilPingResp()).as("still connected").isEmpty();
        assertThat(topicsOverLimit(broker)).isEqualTo(2);
    }

    @Test
    void v5Qos0PublishOverTheLimitsEndsTheConnectionWithDisconnectTopicNameInvalid_MQTT_4_13_2_1() {
        StarlingBroker broker = start();
        RawClient publisher = rawConnected(V5, "publisher");

        publisher.send(Packets.publish(V5, TOO_DEEP).payload("too deep").build());

        assertDisconnectedWith(publisher, TOPIC_NAME_INVALID);
        assertThat(topicsOverLimit(broker)).isEqualTo(1);
    }

    @Test
    void v311PublishOverTheLimitsClosesTheConnectionAndPublishesTheWill_MQTT_3_1_2_8() {
        StarlingBroker broker = start();
        RawClient watcher = rawConnected(V5, "watcher");
        watcher.subscribe(1, "will/#", 0);
        RawClient publisher = raw(V3_1_1);
        publisher.connectOk(Packets.connect(V3_1_1, "publisher").will("will/publisher", "gone", 0, false));

        publisher.send(Packets.publish(V3_1_1, TOO_LONG).qos(1, 3).payload("too long").build());

        assertThat(publisher.awaitClosed()).as("no PUBACK: 3.1.1 cannot refuse in it").isEmpty();
        assertThat(watcher.readPublish().payloadText()).isEqualTo("gone");
        assertThat(topicsOverLimit(broker)).isEqualTo(1);
    }

    @Test
    void v5FiltersOverTheLimitsAreRefusedEntryByEntryWithTopicFilterInvalid_MQTT_3_9_3_1() {
        StarlingBroker broker = start();
        RawClient client = rawConnected(V5, "subscriber");
        String[] filters = {"a/b/c/d/#", "a/b/+/d", "$share/group/a/b/c/d", TOO_LONG};

        client.send(Packets.subscribe(V5, 7, Props.none(), filters, new int[] {1, 1, 1, 1}));
        RawPacket.SubAck subAck = client.read().subAck(true);

        assertThat(subAck.packetId()).isEqualTo(7);
        assertThat(subAck.reasonCodes()).as("5 levels; 4; shared with 4 levels after $share/group/; 35 bytes")
                .containsExactly(TOPIC_FILTER_INVALID, 1, 1, TOPIC_FILTER_INVALID);
        assertThat(topicsOverLimit(broker)).isEqualTo(2);
    }

    @Test
    void v311FilterOverTheLimitsIsRefusedWithFailure0x80() {
        StarlingBroker broker = start();
        RawClient client = rawConnected(V3_1_1, "subscriber");

        client.send(Packets.subscribe(V3_1_1, 8, null, new String[] {TOO_DEEP, "a/b"}, new int[] {1, 1}));
        RawPacket.SubAck subAck = client.read().subAck(false);

        assertThat(subAck.reasonCodes()).containsExactly(0x80, 1);
        assertThat(client.readUntilPingResp()).as("still connected").isEmpty();
        assertThat(topicsOverLimit(broker)).isEqualTo(1);
    }

    @Test
    void v5WillTopicOverTheLimitsIsRefusedWithConnackTopicNameInvalid_MQTT_3_2_2_7_and_MQTT_3_2_2_8() {
        StarlingBroker broker = start();
        RawClient client = raw(V5);

        RawPacket.ConnAck connAck = client.connect(Packets.connect(V5, "will-too-deep")
                .will(TOO_DEEP, "bye", 0, false));

        assertThat(connAck.reasonCode()).isEqualTo(TOPIC_NAME_INVALID);
        assertThat(client.awaitClosed()).isEmpty();
        assertThat(broker.broker().sessionCount()).as("no session left behind").isZero();
        assertThat(topicsOverLimit(broker)).isEqualTo(1);
    }

    @Test
    void v311WillTopicOverTheLimitsClosesTheConnectionWithoutConnack_V311_MQTT_3_2_2_6() {
        StarlingBroker broker = start();
        RawClient client = raw(V3_1_1);

        client.send(Packets.connect(V3_1_1, "will-too-long").will(TOO_LONG, "bye", 0, false).build());

        List<RawPacket> beforeClose = client.awaitClosed();
        assertThat(beforeClose).as("no return code fits, so no CONNACK").isEmpty();
        assertThat(topicsOverLimit(broker)).isEqualTo(1);
    }

    @Test
    void willTopicWithinTheLimitsIsAccepted() {
        start();
        RawClient client = raw(V3_1_1);

        RawPacket.ConnAck connAck = client.connect(Packets.connect(V3_1_1, "will-fits")
                .will(AT_THE_LIMITS, "bye", 0, false));

        assertThat(connAck.reasonCode()).isZero();
    }

    @Test
    void byDefaultTopicsOfMoreThan200LevelsAreRefused() {
        starlingOnly("connection.maximum-topic-levels is Starling's setting (Mosquitto's own limit differs by one)");
        RawClient publisher = rawConnected(V5, "deep-publisher");

        publisher.send(Packets.publish(V5, "l/".repeat(199) + "l").qos(1, 1).build());
        RawPacket.Ack twoHundred = publisher.read(RawPacket.PUBACK).ack(true);
        publisher.send(Packets.publish(V5, "l/".repeat(200) + "l").qos(1, 2).build());
        RawPacket.Ack twoHundredAndOne = publisher.read(RawPacket.PUBACK).ack(true);

        assertThat(twoHundred.reasonCode()).as("200 levels: no subscribers, but accepted").isEqualTo(0x10);
        assertThat(twoHundredAndOne.reasonCode()).isEqualTo(TOPIC_NAME_INVALID);
    }
}
