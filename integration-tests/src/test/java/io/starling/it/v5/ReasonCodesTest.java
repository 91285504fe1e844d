package io.starling.it.v5;

import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.Packets;
import io.starling.it.kit.PahoV5Client;
import io.starling.it.kit.Props;
import io.starling.it.kit.ProtocolVersion;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.RawPacket;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 5.0 reason codes on acknowledgements, and problem information. */
class ReasonCodesTest extends BrokerTest {

    @Test
    void pubAckSaysNoMatchingSubscribers_MQTT_3_4_2_1() {
        PahoV5Client publisher = pahoV5("lonely-pub");

        int[] reasonCodes = publisher.publish("nobody/listens", "hello?", 1, false);

        assertThat(reasonCodes).as("0x10 No matching subscribers").containsExactly(0x10);
    }

    @Test
    void pubRecSaysNoMatchingSubscribers_MQTT_3_5_2_1() {
        RawClient publisher = rawConnected(ProtocolVersion.V5, "lonely-raw");

        publisher.send(Packets.publish(ProtocolVersion.V5, "nobody/listens").qos(2, 3).payload("x").build());

        RawPacket.Ack pubRec = publisher.read(RawPacket.PUBREC).ack(true);
        assertThat(pubRec.packetId()).isEqualTo(3);
        publisher.send(Packets.pubRel(3));
        assertThat(publisher.read(RawPacket.PUBCOMP).ack(true).reasonCode()).isZero();
        if (pubRec.reasonCode() == 0) {
            mosquittoDiverges("2.0.11 answers 0x00 on PUBREC where 0x10 is allowed (a MAY) and Starling"
                    + " is required to use it");
        }
        assertThat(pubRec.reasonCode()).isEqualTo(0x10);
    }

    @Test
    void pubAckIsSuccessWhenSomeoneListens_MQTT_3_4_2_1() {
        pahoV5("listener").subscribe("someone/listens", 1);
        PahoV5Client publisher = pahoV5("heard-pub");

        assertThat(publisher.publish("someone/listens", "hello", 1, false)).containsExactly(0x00);
    }

    @Test
    void unsubAckSaysNoSubscriptionExisted_MQTT_3_11_3_2() {
        RawClient client = rawConnected(ProtocolVersion.V5, "unsub-none");
        client.subscribe(1, "exists/t", 1);

        client.send(Packets.unsubscribe(ProtocolVersion.V5, 2, "exists/t", "never/subscribed"));

        RawPacket.SubAck unsubAck = client.read(RawPacket.UNSUBACK).subAck(true);
        assertThat(unsubAck.packetId()).isEqualTo(2);
        assertThat(unsubAck.reasonCodes()).as("in filter order [MQTT-3.11.3-1]").containsExactly(0x00, 0x11);
    }

    @Test
    void subAckCarriesOneReasonCodePerFilterInOrder_MQTT_3_9_3_1() {
        RawClient client = rawConnected(ProtocolVersion.V5, "multi-sub");

        client.send(Packets.subscribe(ProtocolVersion.V5, 5, Props.none(), new String[] {"m/a", "m/b", "m/c"},
                new int[] {2, 0, 1}));

        RawPacket.SubAck subAck = client.read(RawPacket.SUBACK).subAck(true);
        assertThat(subAck.packetId()).isEqualTo(5);
        assertThat(subAck.reasonCodes()).containsExactly(2, 0, 1);
    }

    /**
     * "a/#/b" breaks [MQTT-4.7.1-1]. The specification does not say in one place whether that is a malformed
     * SUBSCRIBE (DISCONNECT 0x81) or a refused filter (SUBACK 0x8F Topic Filter invalid); both are accepted here,
     * granting it is not.
     */
    @Test
    void invalidTopicFilterIsRefused_MQTT_4_7_1_1() {
        RawClient client = rawConnected(ProtocolVersion.V5, "bad-filter");

        client.send(Packets.subscribe(ProtocolVersion.V5, 1, "a/#/b", 1));

        RawPacket answer = client.read();
        if (answer.type() == RawPacket.SUBACK) {
            assertThat(answer.subAck(true).reasonCodes()).containsExactly(0x8F);
            assertThat(client.readUntilPingResp()).as("connection still usable").isEmpty();
        } else {
            assertThat(answer.disconnect().reasonCode()).as("DISCONNECT Malformed Packet").isEqualTo(0x81);
            assertThat(client.awaitClosed()).isEmpty();
        }
    }

    @Test
    void noLocalOnASharedSubscriptionIsAProtocolError_MQTT_3_8_3_4() {
        RawClient client = rawConnected(ProtocolVersion.V5, "shared-nolocal");

        client.send(Packets.subscribe(ProtocolVersion.V5, 1, "$share/g/t", 0x04 | 1));

        RawPacket answer = client.read();
        if (answer.type() == RawPacket.SUBACK) {
            mosquittoDiverges("2.0.11 grants a shared subscription with No Local set: " + answer);
        }
        assertThat(answer.disconnect().reasonCode()).as("DISCONNECT Protocol Error").isEqualTo(0x82);
        assertThat(client.awaitClosed()).isEmpty();
    }

    @Test
    void noReasonStringWhenProblemInformationIsNotRequested_MQTT_3_1_2_29() {
        RawClient client = raw(ProtocolVersion.V5);
        client.connectOk(Packets.connect(ProtocolVersion.V5, "no-problems")
                .properties(Props.props().u8(Props.REQUEST_PROBLEM_INFORMATION, 0)));

        client.send(Packets.publish(ProtocolVersion.V5, "nobody/listens").qos(1, 1).payload("x").build());
        RawPacket.Ack pubAck = client.read(RawPacket.PUBACK).ack(true);
        client.send(Packets.unsubscribe(ProtocolVersion.V5, 2, "never/subscribed"));
        RawPacket.SubAck unsubAck = client.read(RawPacket.UNSUBACK).subAck(true);

        assertThat(pubAck.reasonCode()).isEqualTo(0x10);
        assertThat(pubAck.properties().has(Props.REASON_STRING)).isFalse();
        assertThat(pubAck.properties().has(Props.USER_PROPERTY)).isFalse();
        assertThat(unsubAck.properties().has(Props.REASON_STRING)).isFalse();
        assertThat(unsubAck.properties().has(Props.USER_PROPERTY)).isFalse();
    }
}
