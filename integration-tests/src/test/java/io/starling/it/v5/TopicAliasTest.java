package io.starling.it.v5;

import io.starling.it.kit.BrokerSettings;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.Msg;
import io.starling.it.kit.Packets;
import io.starling.it.kit.PahoV3Client;
import io.starling.it.kit.PahoV5Client;
import io.starling.it.kit.Props;
import io.starling.it.kit.ProtocolVersion;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.RawPacket;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Inbound topic aliases ([MQTT-3.3.2-7] .. [MQTT-3.3.2-12]). */
class TopicAliasTest extends BrokerTest {

    private static byte[] aliased(String topic, int alias, String payload) {
        return Packets.publish(ProtocolVersion.V5, topic).qos(1, alias + 100)
                .properties(Props.props().topicAlias(alias)).payload(payload).build();
    }

    @Test
    void inboundTopicAliasesAreResolvedAndCanBeRemapped_MQTT_3_3_2_12() {
        PahoV3Client subscriber = pahoV3("alias-sub");
        subscriber.subscribe("alias/#", 1);
        RawClient publisher = raw(ProtocolVersion.V5);
        RawPacket.ConnAck connAck = publisher.connectOk(Packets.connect(ProtocolVersion.V5, "alias-pub"));
        assertThat(connAck.properties().number(Props.TOPIC_ALIAS_MAXIMUM)).as("server accepts aliases")
                .isGreaterThanOrEqualTo(1L);

        publisher.send(aliased("alias/first", 1, "set"));
        publisher.send(aliased("", 1, "use"));
        publisher.send(aliased("alias/second", 1, "remap"));
        publisher.send(aliased("", 1, "use again"));
        for (int i = 0; i < 4; i++) {
            assertThat(publisher.read(RawPacket.PUBACK).ack(true).reasonCode()).isZero();
        }

        assertThat(subscriber.inbox.awaitCount(4)).extracting(Msg::key).containsExactly(
                "alias/first:set", "alias/first:use", "alias/second:remap", "alias/second:use again");
    }

    @Test
    void topicAliasZeroIsRefusedWithTopicAliasInvalid_MQTT_3_3_2_8() {
        RawClient publisher = rawConnected(ProtocolVersion.V5, "alias-zero");

        publisher.send(aliased("alias/t", 0, "zero"));

        assertDisconnectedWith(publisher, 0x94);
    }

    @Test
    void topicAliasAboveTheServersMaximumIsRefused_MQTT_3_2_2_17() {
        RawClient publisher = raw(ProtocolVersion.V5);
        long maximum = publisher.connectOk(Packets.connect(ProtocolVersion.V5, "alias-over"))
                .properties().number(Props.TOPIC_ALIAS_MAXIMUM);

        publisher.send(aliased("alias/t", (int) maximum + 1, "too high"));

        assertDisconnectedWith(publisher, 0x94);
    }

    @Test
    void anyTopicAliasIsRefusedWhenTheServerAllowsNone_MQTT_3_2_2_18() {
        startBroker(BrokerSettings.DEFAULTS.topicAliasMaximum(0));
        RawClient publisher = raw(ProtocolVersion.V5);
        RawPacket.ConnAck connAck = publisher.connectOk(Packets.connect(ProtocolVersion.V5, "alias-none"));
        Long advertised = connAck.properties().number(Props.TOPIC_ALIAS_MAXIMUM);
        assertThat(advertised == null || advertised == 0L).as("absent or 0: no aliases").isTrue();

        publisher.send(aliased("alias/t", 1, "not allowed"));

        assertDisconnectedWith(publisher, 0x94);
    }

    @Test
    void emptyTopicWithAnUnknownAliasIsAProtocolError_MQTT_3_3_2_12() {
        RawClient publisher = rawConnected(ProtocolVersion.V5, "alias-unknown");

        publisher.send(aliased("", 3, "never mapped"));

        assertDisconnectedWith(publisher, 0x82);
    }

    @Test
    void aliasesDoNotSurviveTheConnection_MQTT_3_3_2_7() {
        RawClient first = rawConnected(ProtocolVersion.V5, "alias-forgetful");
        first.send(aliased("alias/t", 1, "set"));
        first.read(RawPacket.PUBACK);
        first.send(Packets.disconnect());
        first.awaitClosed();

        RawClient second = rawConnected(ProtocolVersion.V5, "alias-forgetful");
        second.send(aliased("", 1, "stale alias"));

        assertDisconnectedWith(second, 0x82);
    }

    @Test
    void pahoV5PublisherIsUnderstoodWhateverItDoesWithAliases_MQTT_3_3_2_12() {
        PahoV3Client subscriber = pahoV3("paho-alias-sub");
        subscriber.subscribe("paho-alias/#", 1);
        PahoV5Client publisher = pahoV5("paho-alias-pub");

        for (int i = 0; i < 5; i++) {
            publisher.publish("paho-alias/t", "m" + i, 1, false);
        }

        assertThat(subscriber.inbox.awaitCount(5)).extracting(Msg::key)
                .containsExactly("paho-alias/t:m0", "paho-alias/t:m1", "paho-alias/t:m2", "paho-alias/t:m3",
                        "paho-alias/t:m4");
    }
}
