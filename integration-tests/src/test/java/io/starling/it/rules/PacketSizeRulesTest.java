package io.starling.it.rules;

import io.netty.buffer.Unpooled;
import io.starling.broker.Broker;
import io.starling.broker.spi.Authenticator;
import io.starling.broker.spi.Authorizer;
import io.starling.codec.MqttPacketEncoder;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.Auth;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.Disconnect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.Publish;
import io.starling.codec.packet.SubAck;
import io.starling.codec.packet.Subscribe;
import io.starling.codec.packet.SubscriptionOptions;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.starling.it.rules.RuleSupport.config;
import static io.starling.it.rules.RuleSupport.features;
import static io.starling.it.rules.RuleSupport.outboundTopicAliases;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client's Maximum Packet Size bounds every packet the broker sends it (5.0 [MQTT-3.1.2-24]): Reason Strings
 * are left out rather than exceed it (SUBACK [MQTT-3.9.2-1], DISCONNECT [MQTT-3.14.2-3]), and a PUBLISH is measured as it would travel, outbound topic alias included. Also the outbound alias limit of a
 * client that allows none ([MQTT-3.1.2-27]). Raw connections: the sizes are the proof.
 */
class PacketSizeRulesTest {
    private static final String LONG_LEVEL = "a-level-long-enough-to-make-the-reason-string-large";
    private Broker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static MqttProperties maximumPacketSize(long bytes) {
        return MqttProperties.builder().maximumPacketSize(bytes).build();
    }

    @Test
    void subAckLeavesOutItsReasonStringRatherThanExceedTheClientsMaximumPacketSize_MQTT_3_9_2_1() {
        broker = Broker.start(config().withFeatures(features(2, false)));
        String refused = "sizes/" + LONG_LEVEL + "/+";

        try (WireConnection roomy = WireConnection.open(broker.port(), MqttVersion.MQTT_5);
             WireConnection tight = WireConnection.open(broker.port(), MqttVersion.MQTT_5)) {
            roomy.connectOk("roomy", true, MqttProperties.EMPTY);
            SubAck withReason = roomy.subscribe(1, refused, QoS.AT_LEAST_ONCE);
            int fullSize = roomy.lastPacketSize();
            assertThat(withReason.reasonCodes()).containsExactly(ReasonCode.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED);
            assertThat(withReason.properties().reasonString()).as("the Reason String a roomy client gets")
                    .contains(refused);

            long limit = fullSize - 1; // the same SUBACK with its Reason String would not fit
            tight.connectOk("tight", true, maximumPacketSize(limit));
            assertThat(tight.lastPacketSize()).as("CONNACK size").isLessThanOrEqualTo((int) limit);
            SubAck stripped = tight.subscribe(1, refused, QoS.AT_LEAST_ONCE);

            assertThat(stripped.reasonCodes()).containsExactly(ReasonCode.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED);
            assertThat(stripped.properties().reasonString()).isNull();
            assertThat(tight.lastPacketSize()).isLessThanOrEqualTo((int) limit);
        }
    }

    @Test
    void disconnectLeavesOutItsReasonStringRatherThanExceedTheClientsMaximumPacketSize_MQTT_3_14_2_3_and_MQTT_3_3_4_6() {
        broker = Broker.start(config());

        // A Subscription Identifier in a PUBLISH from a client is a Protocol Error ([MQTT-3.3.4-6]).
        MqttProperties clientSentIdentifier = MqttProperties.builder().addSubscriptionIdentifier(5).build();
        int fullSize;
        try (WireConnection roomy = WireConnection.open(broker.port(), MqttVersion.MQTT_5)) {
            roomy.connectOk("roomy", true, MqttProperties.EMPTY);
            roomy.send(WireConnection.publish("sizes/t", QoS.AT_MOST_ONCE, 0, "x", clientSentIdentifier));
            List<MqttPacket> beforeClose = roomy.awaitClosed();
            assertThat(beforeClose).singleElement().isInstanceOfSatisfying(Disconnect.class, d -> {
                assertThat(d.reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
                assertThat(d.properties().reasonString()).isNotEmpty();
            });
            fullSize = MqttPacketEncoder.encodedSize(beforeClose.get(0), MqttVersion.MQTT_5);
        }

        long limit = fullSize - 1;
        try (WireConnection tight = WireConnection.open(broker.port(), MqttVersion.MQTT_5)) {
            tight.connectOk("tight", true, maximumPacketSize(limit));
            tight.send(WireConnection.publish("sizes/t", QoS.AT_MOST_ONCE, 0, "x", clientSentIdentifier));
            Disconnect stripped = tight.receive(Disconnect.class);

            assertThat(stripped.reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
            assertThat(stripped.properties().reasonString()).isNull();
            assertThat(tight.lastPacketSize()).isLessThanOrEqualTo((int) limit);
            assertThat(tight.awaitClosed()).isEmpty();
        }
    }

    @Test
    void publishIsMeasuredWithTheTopicAliasItWouldCarry_MQTT_3_1_2_24() {
        broker = Broker.start(config().withConnection(outboundTopicAliases(10)));
        int limit = 100;
        String topic = "sizes/aliased";
        // The largest payload whose PUBLISH (QoS 0, no properties) is exactly the limit without an alias.
        int payloadWithoutRoom = limit - sizeOf(topic, 0, null);
        assertThat(sizeOf(topic, payloadWithoutRoom, 1)).as("the same PUBLISH with a new alias").isGreaterThan(limit);
        int payloadThatFits = limit - sizeOf(topic, 0, 1);

        try (WireConnection subscriber = WireConnection.open(broker.port(), MqttVersion.MQTT_5);
             WireConnection publisher = WireConnection.open(broker.port(), MqttVersion.MQTT_5)) {
            subscriber.connectOk("aliased-sub", true, MqttProperties.builder().maximumPacketSize((long) limit)
                    .topicAliasMaximum(10).build());
            subscriber.subscribe(1, "sizes/#", QoS.AT_MOST_ONCE);
            publisher.connectOk("aliased-pub", true, MqttProperties.EMPTY);

            publisher.send(publishOf(topic, payloadWithoutRoom, null)); // fits only without the alias it would get
            publisher.send(publishOf(topic, payloadThatFits, null));

            Publish received = subscriber.receive(Publish.class);
            assertThat(received.payload().readableBytes()).as("the first PUBLISH that arrives")
                    .isEqualTo(payloadThatFits);
            assertThat(received.properties().topicAlias()).isEqualTo(1);
            assertThat(received.topic()).isEqualTo(topic);
            assertThat(subscriber.lastPacketSize()).isEqualTo(limit);
            assertThat(broker.metrics().messagesDroppedTooLarge()).isEqualTo(1);
        }
    }

    @Test
    void noTopicAliasIsSentToAClientThatAllowsNone_MQTT_3_1_2_27() {
        broker = Broker.start(config().withConnection(outboundTopicAliases(10)));
        try (WireConnection plain = WireConnection.open(broker.port(), MqttVersion.MQTT_5);
             WireConnection aliasing = WireConnection.open(broker.port(), MqttVersion.MQTT_5);
             WireConnection publisher = WireConnection.open(broker.port(), MqttVersion.MQTT_5)) {
            plain.connectOk("no-alias-maximum", true, MqttProperties.EMPTY);
            plain.subscribe(1, "repeat/#", QoS.AT_MOST_ONCE);
            aliasing.connectOk("alias-maximum-5", true, MqttProperties.builder().topicAliasMaximum(5).build());
            aliasing.subscribe(1, "repeat/#", QoS.AT_MOST_ONCE);
            publisher.connectOk("repeater", true, MqttProperties.EMPTY);

            for (int i = 0; i < 3; i++) {
                publisher.send(WireConnection.publish("repeat/topic", QoS.AT_MOST_ONCE, 0, "m" + i,
                        MqttProperties.EMPTY));
            }

            // The control: aliases are on, and a client that allows them gets them.
            assertThat(aliasing.receive(Publish.class).properties().topicAlias()).isEqualTo(1);
            assertThat(aliasing.receive(Publish.class).topic()).isEmpty();
            for (int i = 0; i < 3; i++) {
                Publish publish = plain.receive(Publish.class);
                assertThat(publish.topic()).isEqualTo("repeat/topic");
                assertThat(publish.properties().topicAlias()).as("Topic Alias of message %d", i).isNull();
            }
        }
    }

    private static int sizeOf(String topic, int payloadSize, Integer alias) {
        Publish publish = publishOf(topic, payloadSize, alias);
        try {
            return MqttPacketEncoder.encodedSize(publish, MqttVersion.MQTT_5);
        } finally {
            publish.release();
        }
    }

    /** A QoS 0 PUBLISH with a payload of {@code size} bytes and, when not null, a Topic Alias. */
    private static Publish publishOf(String topic, int size, Integer alias) {
        MqttProperties properties = alias == null ? MqttProperties.EMPTY
                : MqttProperties.builder().topicAlias(alias).build();
        return new Publish(topic, QoS.AT_MOST_ONCE, false, false, 0, properties, Unpooled.wrappedBuffer(new byte[size]));
    }

    @Test
    void refusingConnAckLeavesOutItsReasonStringRatherThanExceedTheClientsMaximumPacketSize_MQTT_3_2_2_19()
            throws Exception {
        broker = Broker.start(config(), Authenticator.ALLOW_ANONYMOUS, Authorizer.ALLOW_ALL,
                List.of(new ChallengeOnce("refused because " + LONG_LEVEL + " " + LONG_LEVEL)));
        try (WireConnection client = WireConnection.open(broker.port(), MqttVersion.MQTT_5)) {
            client.send(new Connect(MqttVersion.MQTT_5, "wrong-answer", true, 0, null, null, null, MqttProperties.builder()
                    .maximumPacketSize(60L).authenticationMethod(ChallengeOnce.METHOD).build())); // the 43-byte challenge fits
            assertThat(client.receive(Auth.class).reasonCode()).isEqualTo(ReasonCode.CONTINUE_AUTHENTICATION);
            client.send(new Auth(ReasonCode.CONTINUE_AUTHENTICATION, MqttProperties.builder()
                    .authenticationMethod(ChallengeOnce.METHOD).authenticationData(new byte[] {'n', 'o'}).build()));
            ConnAck refusal = client.receive(ConnAck.class);
            assertThat(refusal.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(client.lastPacketSize()).isLessThanOrEqualTo(60);
            assertThat(refusal.properties().reasonString()).isNull();
            assertThat(client.awaitClosed()).isEmpty();
        }
    }

    @Test
    void anAcknowledgementThatCannotFitEvenWithoutReasonStringClosesTheConnection_MQTT_3_1_2_24() {
        broker = Broker.start(config());
        try (WireConnection tiny = WireConnection.open(broker.port(), MqttVersion.MQTT_5)) {
            tiny.connectOk("tiny", true, maximumPacketSize(20));
            assertThat(tiny.lastPacketSize()).as("the CONNACK says only what is not the default").isLessThanOrEqualTo(20);
            List<TopicSubscription> thirty = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) {
                thirty.add(new TopicSubscription("f/" + i, SubscriptionOptions.of(QoS.AT_MOST_ONCE)));
            }
            tiny.send(new Subscribe(1, thirty, MqttProperties.EMPTY)); // its SUBACK needs 35 bytes
            assertThat(tiny.awaitClosed()).as("closed rather than sent a SUBACK over the client's limit").isEmpty();
        }
    }
}
