package io.starling.it.rules;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.broker.Broker;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.PubAck;
import io.starling.codec.packet.PubComp;
import io.starling.codec.packet.PubRec;
import io.starling.codec.packet.PubRel;
import io.starling.codec.packet.Publish;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.starling.it.rules.RuleSupport.WAIT;
import static io.starling.it.rules.RuleSupport.config;
import static io.starling.it.rules.RuleSupport.hive5;
import static io.starling.it.rules.RuleSupport.sessionExpiry;
import static io.starling.it.rules.WireConnection.publish;
import static io.starling.it.rules.WireConnection.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shared subscriptions (5.0 section 4.8.2): the QoS granted to each member, what happens to a message in flight to
 * a member whose connection breaks or whose session ends (QoS 2 stays with the member or goes to nobody; QoS 1 may
 * move), negative acknowledgements, and the Subscription Identifier of each copy.
 *
 * <p>The member a message goes to is made certain by subscribing it alone first; a second member joins after the
 * message went out. A "marker" published afterwards on a topic only the second member subscribes to (without
 * sharing) proves that nothing was handed to it: a handed-back message would be ahead of the marker.
 */
class SharedSubscriptionRulesTest {
    private static final String SHARE = "$share/group/shared/#";
    private final List<AutoCloseable> clients = new ArrayList<>();
    private Broker broker;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private WireConnection wire() {
        WireConnection connection = WireConnection.open(broker.port(), MqttVersion.MQTT_5);
        clients.add(connection);
        return connection;
    }

    private WireConnection publisher() {
        WireConnection publisher = wire();
        publisher.connectOk("publisher", true, MqttProperties.EMPTY);
        return publisher;
    }

    /** The second member: in the share, and alone on its own marker topic. */
    private WireConnection secondMember(QoS qos) {
        WireConnection member = wire();
        member.connectOk("member-b", true, MqttProperties.EMPTY);
        member.subscribe(1, SHARE, qos);
        member.subscribe(2, "marker/b", QoS.AT_LEAST_ONCE);
        return member;
    }

    /** Publishes the marker for the second member and requires it to be the next thing that member receives. */
    private static void assertNextIsTheMarker(WireConnection publisher, WireConnection member) {
        publisher.send(publish("marker/b", QoS.AT_LEAST_ONCE, 99, "marker", MqttProperties.EMPTY));
        publisher.receive(PubAck.class);
        Publish next = member.receive(Publish.class);
        assertThat(next.topic()).as("what member-b received first (%s)", text(next)).isEqualTo("marker/b");
    }

    @Test
    void qos2MessageInFlightStaysWithItsMemberAcrossAReconnect_MQTT_4_8_2_4() {
        broker = Broker.start(config());
        WireConnection memberA = wire();
        memberA.connectOk("member-a", true, sessionExpiry(600));
        memberA.subscribe(1, SHARE, QoS.EXACTLY_ONCE);
        WireConnection publisher = publisher();
        publisher.send(publish("shared/t", QoS.EXACTLY_ONCE, 1, "exactly once", MqttProperties.EMPTY));
        publisher.receive(PubRec.class);
        Publish sent = memberA.receive(Publish.class);
        assertThat(sent.qos()).isEqualTo(QoS.EXACTLY_ONCE);
        WireConnection memberB = secondMember(QoS.EXACTLY_ONCE);

        memberA.close(); // connection lost before PUBREC

        WireConnection again = wire();
        assertThat(again.connectOk("member-a", false, sessionExpiry(600)).sessionPresent()).isTrue();
        Publish resent = again.receive(Publish.class);
        assertThat(resent.packetId()).isEqualTo(sent.packetId());
        assertThat(resent.dup()).isTrue();
        assertThat(text(resent)).isEqualTo("exactly once");
        again.send(new PubRec(resent.packetId()));
        assertThat(again.receive(PubRel.class).packetId()).isEqualTo(resent.packetId());
        again.send(new PubComp(resent.packetId()));
        assertNextIsTheMarker(publisher, memberB);
    }

    @Test
    void qos2MessageInFlightGoesToNoOtherMemberWhenTheSessionEnds_MQTT_4_8_2_5() {
        broker = Broker.start(config());
        WireConnection memberA = wire();
        memberA.connectOk("member-a", true, MqttProperties.EMPTY); // expiry 0: the session ends with the connection
        memberA.subscribe(1, SHARE, QoS.EXACTLY_ONCE);
        WireConnection publisher = publisher();
        publisher.send(publish("shared/t", QoS.EXACTLY_ONCE, 1, "exactly once", MqttProperties.EMPTY));
        publisher.receive(PubRec.class);
        memberA.receive(Publish.class);
        WireConnection memberB = secondMember(QoS.EXACTLY_ONCE);

        memberA.close();

        // Reconnecting is the barrier: by its CONNACK the broker has ended the old session.
        WireConnection again = wire();
        assertThat(again.connectOk("member-a", false, MqttProperties.EMPTY).sessionPresent()).isFalse();
        assertThat(again.pingAndCollect()).isEmpty();
        assertNextIsTheMarker(publisher, memberB);
    }

    @Test
    void qos1MessageInFlightMovesToAnotherMemberWhenTheConnectionBreaks_MQTT_4_8_2() {
        broker = Broker.start(config());
        WireConnection memberA = wire();
        memberA.connectOk("member-a", true, sessionExpiry(600));
        memberA.subscribe(1, SHARE, QoS.AT_LEAST_ONCE);
        WireConnection publisher = publisher();
        publisher.send(publish("shared/t", QoS.AT_LEAST_ONCE, 1, "at least once", MqttProperties.EMPTY));
        publisher.receive(PubAck.class);
        memberA.receive(Publish.class);
        WireConnection memberB = secondMember(QoS.AT_LEAST_ONCE);

        memberA.close(); // no PUBACK: the section's MAY lets the broker send it to another member at once

        Publish moved = memberB.receive(Publish.class);
        assertThat(text(moved)).isEqualTo("at least once");
        assertThat(moved.qos()).isEqualTo(QoS.AT_LEAST_ONCE);
        memberB.send(new PubAck(moved.packetId()));
        WireConnection again = wire();
        assertThat(again.connectOk("member-a", false, sessionExpiry(600)).sessionPresent()).isTrue();
        assertThat(again.pingAndCollect()).as("not delivered a second time to the first member").isEmpty();
    }

    @Test
    void negativelyAcknowledgedMessageGoesToNoOtherMember_MQTT_4_8_2_6() {
        broker = Broker.start(config());
        WireConnection memberA = wire();
        memberA.connectOk("member-a", true, MqttProperties.EMPTY);
        memberA.subscribe(1, SHARE, QoS.EXACTLY_ONCE);
        WireConnection publisher = publisher();
        publisher.send(publish("shared/one", QoS.AT_LEAST_ONCE, 1, "refused qos 1", MqttProperties.EMPTY));
        publisher.receive(PubAck.class);
        publisher.send(publish("shared/two", QoS.EXACTLY_ONCE, 2, "refused qos 2", MqttProperties.EMPTY));
        publisher.receive(PubRec.class);
        Publish qos1 = memberA.receive(Publish.class);
        Publish qos2 = memberA.receive(Publish.class);
        WireConnection memberB = secondMember(QoS.EXACTLY_ONCE);

        memberA.send(new PubAck(qos1.packetId(), ReasonCode.UNSPECIFIED_ERROR, MqttProperties.EMPTY));
        memberA.send(new PubRec(qos2.packetId(), ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, MqttProperties.EMPTY));
        assertThat(memberA.pingAndCollect()).isEmpty();
        memberA.close(); // and the session ends: still nothing to hand over

        WireConnection again = wire();
        assertThat(again.connectOk("member-a", false, MqttProperties.EMPTY).sessionPresent()).isFalse();
        assertNextIsTheMarker(publisher, memberB);
    }

    @Test
    void eachMemberReceivesAtTheQosItWasGranted_MQTT_4_8_2_3() {
        broker = Broker.start(config());
        List<Mqtt5Publish> atMostOnce = new CopyOnWriteArrayList<>();
        List<Mqtt5Publish> atLeastOnce = new CopyOnWriteArrayList<>();
        member("granted-0", MqttQos.AT_MOST_ONCE, atMostOnce);
        member("granted-1", MqttQos.AT_LEAST_ONCE, atLeastOnce);
        Mqtt5BlockingClient publisher = hive5(broker, "qos1-publisher");
        publisher.connect();
        clients.add(publisher::disconnect);

        int count = 8;
        for (int i = 0; i < count; i++) {
            publisher.publishWith().topic("shared/q").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("m" + i).getBytes(StandardCharsets.UTF_8)).send();
        }

        await().atMost(WAIT).until(() -> atMostOnce.size() + atLeastOnce.size() == count);
        assertThat(atMostOnce).isNotEmpty().allMatch(p -> p.getQos() == MqttQos.AT_MOST_ONCE);
        assertThat(atLeastOnce).isNotEmpty().allMatch(p -> p.getQos() == MqttQos.AT_LEAST_ONCE);
        Set<String> payloads = new HashSet<>();
        atMostOnce.forEach(p -> payloads.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        atLeastOnce.forEach(p -> payloads.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        assertThat(payloads).as("each message once").hasSize(count);
    }

    private void member(String clientId, MqttQos qos, List<Mqtt5Publish> received) {
        Mqtt5BlockingClient client = hive5(broker, clientId);
        client.connect();
        clients.add(client::disconnect);
        client.toAsync().subscribeWith().topicFilter("$share/q/shared/q").qos(qos).callback(received::add).send()
                .join();
    }

    @Test
    void eachCopyCarriesTheSubscriptionIdentifierOfItsOwnSubscription_MQTT_3_3_4_5() {
        broker = Broker.start(config());
        WireConnection client = wire();
        client.connectOk("two-copies", true, MqttProperties.EMPTY);
        client.subscribe(1, "copies/t", QoS.AT_MOST_ONCE, MqttProperties.builder().addSubscriptionIdentifier(1).build());
        client.subscribe(2, "$share/g/copies/t", QoS.AT_MOST_ONCE,
                MqttProperties.builder().addSubscriptionIdentifier(2).build());
        WireConnection publisher = publisher();

        publisher.send(publish("copies/t", QoS.AT_LEAST_ONCE, 1, "one message", MqttProperties.EMPTY));
        publisher.receive(PubAck.class);

        Publish first = client.receive(Publish.class);
        Publish second = client.receive(Publish.class);
        assertThat(List.of(first.properties().subscriptionIdentifiers(), second.properties().subscriptionIdentifiers()))
                .containsExactlyInAnyOrder(List.of(1), List.of(2));
        assertThat(client.pingAndCollect()).isEmpty();
    }
}
