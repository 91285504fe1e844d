package io.starling.it.v5;

import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckRestrictions;
import io.starling.it.kit.BrokerSettings;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.HiveClient;
import io.starling.it.kit.Packets;
import io.starling.it.kit.Props;
import io.starling.it.kit.ProtocolVersion;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.RawPacket;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** CONNACK advertises the server's limits and features, and the server holds clients to them. */
class ConnAckLimitsTest extends BrokerTest {

    @Test
    void connAckAdvertisesTheConfiguredLimits_MQTT_3_2_2_9() {
        startBroker(BrokerSettings.DEFAULTS.receiveMaximum(10).maximumPacketSize(4096).topicAliasMaximum(5)
                .maximumQos(1).retainAvailable(false));
        HiveClient client = track(HiveClient.create(broker(), "limits"));

        Mqtt5ConnAckRestrictions restrictions = client.connect().getRestrictions();

        assertThat(restrictions.getReceiveMaximum()).isEqualTo(10);
        assertThat(restrictions.getMaximumPacketSize()).isEqualTo(4096);
        assertThat(restrictions.getTopicAliasMaximum()).isEqualTo(5);
        assertThat(restrictions.getMaximumQos().getCode()).isEqualTo(1);
        assertThat(restrictions.isRetainAvailable()).isFalse();
    }

    @Test
    void connAckAdvertisesTheConfiguredLimitsOnTheWire_MQTT_3_2_2_9() {
        startBroker(BrokerSettings.DEFAULTS.receiveMaximum(10).maximumPacketSize(4096).topicAliasMaximum(5)
                .maximumQos(1).retainAvailable(false));

        RawPacket.ConnAck connAck = raw(ProtocolVersion.V5).connectOk(Packets.connect(ProtocolVersion.V5, "wire"));

        assertThat(connAck.properties().number(Props.RECEIVE_MAXIMUM)).isEqualTo(10L);
        assertThat(connAck.properties().number(Props.MAXIMUM_PACKET_SIZE)).isEqualTo(4096L);
        assertThat(connAck.properties().number(Props.TOPIC_ALIAS_MAXIMUM)).isEqualTo(5L);
        assertThat(connAck.properties().number(Props.MAXIMUM_QOS)).isEqualTo(1L);
        assertThat(connAck.properties().number(Props.RETAIN_AVAILABLE)).isEqualTo(0L);
    }

    /** Starling-only: Mosquitto cannot switch these features off. */
    @Test
    void connAckAdvertisesSwitchedOffFeatures_MQTT_3_2_2_9() {
        startBroker(BrokerSettings.DEFAULTS.wildcardSubscriptionsAvailable(false)
                .sharedSubscriptionsAvailable(false).subscriptionIdentifiersAvailable(false));
        HiveClient client = track(HiveClient.create(broker(), "features"));

        Mqtt5ConnAckRestrictions restrictions = client.connect().getRestrictions();

        assertThat(restrictions.isWildcardSubscriptionAvailable()).isFalse();
        assertThat(restrictions.isSharedSubscriptionAvailable()).isFalse();
        assertThat(restrictions.areSubscriptionIdentifiersAvailable()).isFalse();
    }

    /** Starling-only: the values are Starling's documented defaults. */
    @Test
    void connAckAdvertisesStarlingsDefaults() {
        starlingOnly("Starling's own defaults");

        RawPacket.ConnAck connAck = raw(ProtocolVersion.V5).connectOk(Packets.connect(ProtocolVersion.V5, "dflt"));

        assertThat(connAck.properties().number(Props.RECEIVE_MAXIMUM)).isEqualTo(1024L);
        assertThat(connAck.properties().number(Props.MAXIMUM_PACKET_SIZE)).isEqualTo(1024L * 1024);
        assertThat(connAck.properties().number(Props.TOPIC_ALIAS_MAXIMUM)).isEqualTo(64L);
        assertThat(connAck.properties().number(Props.MAXIMUM_QOS)).as("absent means 2").isNull();
        assertThat(connAck.properties().number(Props.RETAIN_AVAILABLE)).as("absent means available").isIn(null, 1L);
        assertThat(connAck.properties().number(Props.WILDCARD_SUBSCRIPTION_AVAILABLE)).isIn(null, 1L);
        assertThat(connAck.properties().number(Props.SHARED_SUBSCRIPTION_AVAILABLE)).isIn(null, 1L);
        assertThat(connAck.properties().number(Props.SUBSCRIPTION_IDENTIFIER_AVAILABLE)).isIn(null, 1L);
    }

    @Test
    void maximumQosDowngradesSubscriptionsButStillAcceptsThem_MQTT_3_2_2_10() {
        startBroker(BrokerSettings.DEFAULTS.maximumQos(1));
        RawClient client = rawConnected(ProtocolVersion.V5, "qos-capped");

        assertThat(client.subscribe(1, "capped/t", 2).reasonCodes()).containsExactly(1);
    }

    @Test
    void publishAboveMaximumQosIsRefusedWithQosNotSupported_MQTT_3_2_2_11() {
        startBroker(BrokerSettings.DEFAULTS.maximumQos(1));
        RawClient client = rawConnected(ProtocolVersion.V5, "qos-too-high");

        client.send(Packets.publish(ProtocolVersion.V5, "capped/t").qos(2, 1).payload("x").build());

        assertDisconnectedWith(client, 0x9B);
    }

    @Test
    void willQosAboveMaximumQosIsRefusedInConnAck_MQTT_3_2_2_12() {
        startBroker(BrokerSettings.DEFAULTS.maximumQos(1));
        RawClient client = raw(ProtocolVersion.V5);

        RawPacket.ConnAck connAck = client.connect(Packets.connect(ProtocolVersion.V5, "will-qos2")
                .will("will/t", "x", 2, false));

        assertThat(connAck.reasonCode()).as("0x9B QoS not supported").isEqualTo(0x9B);
        assertThat(client.awaitClosed()).isEmpty();
    }

    @Test
    void retainedPublishIsRefusedWhenRetainIsNotAvailable_MQTT_3_2_2_14() {
        startBroker(BrokerSettings.DEFAULTS.retainAvailable(false));
        RawClient client = rawConnected(ProtocolVersion.V5, "retain-refused");

        client.send(Packets.publish(ProtocolVersion.V5, "retain/t").qos(1, 1).retain(true).payload("x").build());

        assertDisconnectedWith(client, 0x9A);
    }

    @Test
    void retainedWillIsRefusedWhenRetainIsNotAvailable_MQTT_3_2_2_13() {
        startBroker(BrokerSettings.DEFAULTS.retainAvailable(false));
        RawClient client = raw(ProtocolVersion.V5);

        RawPacket.ConnAck connAck = client.connect(Packets.connect(ProtocolVersion.V5, "will-retain")
                .will("will/t", "x", 0, true));

        assertThat(connAck.reasonCode()).as("0x9A Retain not supported").isEqualTo(0x9A);
        assertThat(client.awaitClosed()).isEmpty();
    }

    @Test
    void serverKeepAliveCapsTheClientsKeepAlive_MQTT_3_2_2_21() {
        startBroker(BrokerSettings.DEFAULTS.maximumKeepAlive(Duration.ofSeconds(10)));
        HiveClient client = track(HiveClient.create(broker(), "keepalive-capped"));

        Mqtt5ConnAck connAck = client.connect(c -> c.keepAlive(60));

        assertThat(connAck.getServerKeepAlive()).hasValue(10);
    }

    /** Starling-only: Mosquitto cannot switch wildcards off. */
    @Test
    void wildcardSubscriptionIsRefusedWhenWildcardsAreNotAvailable_MQTT_3_9_3_2() {
        startBroker(BrokerSettings.DEFAULTS.wildcardSubscriptionsAvailable(false));
        RawClient client = rawConnected(ProtocolVersion.V5, "no-wildcards");

        RawPacket.SubAck subAck = client.subscribe(1, "a/+/c", 1);

        assertThat(subAck.reasonCodes()).as("0xA2 Wildcard Subscriptions not supported").containsExactly(0xA2);
        assertThat(subAck.properties().string(Props.REASON_STRING)).as("reason string on the refusal")
                .isNotBlank();
        assertThat(client.subscribe(2, "a/b/c", 1).reasonCodes()).containsExactly(1);
    }

    /** Starling-only: Mosquitto cannot switch shared subscriptions off. */
    @Test
    void sharedSubscriptionIsRefusedWhenSharedSubscriptionsAreNotAvailable_MQTT_3_9_3_2() {
        startBroker(BrokerSettings.DEFAULTS.sharedSubscriptionsAvailable(false));
        RawClient client = rawConnected(ProtocolVersion.V5, "no-shared");

        RawPacket.SubAck subAck = client.subscribe(1, "$share/g/t", 1);

        assertThat(subAck.reasonCodes()).as("0x9E Shared Subscriptions not supported").containsExactly(0x9E);
    }

    /** Starling-only: Mosquitto cannot switch subscription identifiers off. */
    @Test
    void subscriptionIdentifierIsAProtocolErrorWhenNotAvailable_MQTT_3_8_2() {
        startBroker(BrokerSettings.DEFAULTS.subscriptionIdentifiersAvailable(false));
        RawClient client = rawConnected(ProtocolVersion.V5, "no-subids");

        client.send(Packets.subscribe(ProtocolVersion.V5, 1, Props.props().subscriptionIdentifier(7).encode(),
                new String[] {"t"}, new int[] {1}));

        assertDisconnectedWith(client, 0xA1);
    }

    @Test
    void reasonStringIsLeftOutWhenProblemInformationIsNotRequested_MQTT_3_1_2_29() {
        startBroker(BrokerSettings.DEFAULTS.wildcardSubscriptionsAvailable(false));
        RawClient client = raw(ProtocolVersion.V5);
        client.connectOk(Packets.connect(ProtocolVersion.V5, "terse")
                .properties(Props.props().u8(Props.REQUEST_PROBLEM_INFORMATION, 0)));

        RawPacket.SubAck subAck = client.subscribe(1, "a/#", 1);

        assertThat(subAck.reasonCodes()).containsExactly(0xA2);
        assertThat(subAck.properties().has(Props.REASON_STRING)).isFalse();
    }
}
