package io.starling.it.v5;

import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.Packets;
import io.starling.it.kit.PahoV3Client;
import io.starling.it.kit.Props;
import io.starling.it.kit.ProtocolVersion;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.RawPacket;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Limits a MQTT 5.0 client sets in CONNECT, which the server must respect when sending to it. */
class ClientLimitsTest extends BrokerTest {

    @Test
    void messagesLargerThanTheClientsMaximumPacketSizeAreNotSent_MQTT_3_1_2_24_and_MQTT_3_1_2_25() {
        RawClient subscriber = raw(ProtocolVersion.V5);
        subscriber.connectOk(Packets.connect(ProtocolVersion.V5, "small-packets")
                .properties(Props.props().u32(Props.MAXIMUM_PACKET_SIZE, 64)));
        subscriber.subscribe(1, "size/t", 1);
        PahoV3Client publisher = pahoV3("size-pub");

        publisher.publish("size/t", "x".repeat(200), 1, false);
        publisher.publish("size/t", "small", 1, false);

        RawPacket.Publish received = subscriber.readPublish();
        subscriber.send(Packets.pubAck(received.packetId()));
        assertThat(received.payloadText()).as("the 200-byte message is skipped as if delivered").isEqualTo("small");
        assertThat(subscriber.readUntilPingResp()).isEmpty();
    }

    @Test
    void noTopicAliasesAreSentToAClientThatAllowsNone_MQTT_3_1_2_27() {
        RawClient subscriber = rawConnected(ProtocolVersion.V5, "no-aliases");
        subscriber.subscribe(1, "noalias/t", 0);
        PahoV3Client publisher = pahoV3("noalias-pub");

        for (int i = 0; i < 3; i++) {
            publisher.publish("noalias/t", "m" + i, 0, false);
        }

        for (int i = 0; i < 3; i++) {
            RawPacket.Publish publish = subscriber.readPublish();
            assertThat(publish.topic()).isEqualTo("noalias/t");
            assertThat(publish.properties().has(Props.TOPIC_ALIAS)).isFalse();
        }
    }

    @Test
    void outgoingTopicAliasesStayWithinTheClientsMaximum_MQTT_3_1_2_26() {
        RawClient subscriber = raw(ProtocolVersion.V5);
        subscriber.connectOk(Packets.connect(ProtocolVersion.V5, "two-aliases")
                .properties(Props.props().u16(Props.TOPIC_ALIAS_MAXIMUM, 2)));
        subscriber.subscribe(1, "aliased/#", 0);
        PahoV3Client publisher = pahoV3("aliased-pub");
        List<String> topics = List.of("aliased/a", "aliased/b", "aliased/c", "aliased/a", "aliased/b", "aliased/c");

        for (String topic : topics) {
            publisher.publish(topic, topic, 0, false);
        }

        String[] aliasTable = new String[3];
        for (String expected : topics) {
            RawPacket.Publish publish = subscriber.readPublish();
            Long alias = publish.properties().number(Props.TOPIC_ALIAS);
            String topic = publish.topic();
            if (alias != null) {
                assertThat(alias).as("alias within 1..2").isBetween(1L, 2L);
                if (topic.isEmpty()) {
                    topic = aliasTable[alias.intValue()];
                } else {
                    aliasTable[alias.intValue()] = topic;
                }
            }
            assertThat(topic).as("the topic the client can reconstruct").isEqualTo(expected);
            assertThat(publish.payloadText()).isEqualTo(expected);
        }
    }
}
