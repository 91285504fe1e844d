package io.starling.it.v5;

import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.HiveClient;
import io.starling.it.kit.Msg;
import io.starling.it.kit.Packets;
import io.starling.it.kit.PahoV5Client;
import io.starling.it.kit.Props;
import io.starling.it.kit.ProtocolVersion;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.RawPacket;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/** Publication properties forwarded unchanged, No Local, Subscription Identifiers. */
class PropertiesForwardingTest extends BrokerTest {

    @Test
    void publicationPropertiesReachSubscribersUnchanged_MQTT_3_3_2_4_and_MQTT_3_3_2_15_to_MQTT_3_3_2_20() {
        HiveClient subscriber = hive("props-sub");
        subscriber.subscribe("props/t", 1);
        PahoV5Client publisher = pahoV5("props-pub");
        MqttMessage message = new MqttMessage("{\"temperature\":21}".getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        MqttProperties properties = new MqttProperties();
        properties.setPayloadFormat(true);
        properties.setContentType("application/json");
        properties.setResponseTopic("props/reply");
        properties.setCorrelationData(new byte[] {0, 1, 2, (byte) 0xFF});
        properties.setUserProperties(List.of(new UserProperty("z", "last"), new UserProperty("a", "first"),
                new UserProperty("z", "again")));
        message.setProperties(properties);

        publisher.publish("props/t", message);

        Mqtt5Publish received = (Mqtt5Publish) subscriber.inbox.awaitCount(1).get(0).original();
        assertThat(received.getPayloadFormatIndicator()).contains(Mqtt5PayloadFormatIndicator.UTF_8);
        assertThat(received.getContentType()).hasValueSatisfying(v -> assertThat(v).hasToString("application/json"));
        assertThat(received.getResponseTopic()).hasValueSatisfying(v -> assertThat(v).hasToString("props/reply"));
        assertThat(received.getCorrelationData().map(PropertiesForwardingTest::bytes))
                .hasValueSatisfying(v -> assertThat(v).containsExactly(0, 1, 2, 0xFF));
        assertThat(received.getUserProperties().asList())
                .extracting(p -> p.getName().toString(), p -> p.getValue().toString())
                .as("all user properties, order kept [MQTT-3.3.2-18]")
                .containsExactly(tuple("z", "last"), tuple("a", "first"), tuple("z", "again"));
    }

    @Test
    void publicationPropertiesReachAPahoSubscriberFromHiveMq_MQTT_3_3_2_17() {
        PahoV5Client subscriber = pahoV5("props-sub-paho");
        subscriber.subscribe("props/paho", 1);
        HiveClient publisher = hive("props-pub-hive");

        publisher.publish(Mqtt5Publish.builder().topic("props/paho").qos(HiveClient.qos(1))
                .payload("binary".getBytes(StandardCharsets.UTF_8))
                .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UNSPECIFIED)
                .contentType("application/octet-stream")
                .userProperties().add(Mqtt5UserProperty.of("k", "v1")).add(Mqtt5UserProperty.of("k", "v2"))
                .applyUserProperties()
                .build());

        MqttProperties received = ((MqttMessage) subscriber.inbox.awaitCount(1).get(0).original()).getProperties();
        assertThat(received.getContentType()).isEqualTo("application/octet-stream");
        assertThat(received.getUserProperties()).extracting(UserProperty::getKey, UserProperty::getValue)
                .containsExactly(tuple("k", "v1"), tuple("k", "v2"));
    }

    @Test
    void noLocalKeepsAClientsOwnMessagesFromIt_MQTT_3_8_3_3() {
        HiveClient self = hive("nolocal-self");
        self.subscribe(Mqtt5Subscribe.builder().topicFilter("nolocal/t").qos(HiveClient.qos(1)).noLocal(true)
                .build());
        HiveClient other = hive("nolocal-other");

        self.publish("nolocal/t", "own", 1, false);
        other.publish("nolocal/t", "from other", 1, false);
        other.publish("nolocal/t", "marker", 1, false);

        assertThat(self.inbox.awaitMarker(m -> m.text().equals("marker")))
                .extracting(Msg::text).containsExactly("from other", "marker");
    }

    @Test
    void subscriptionIdentifierIsSentWithMatchingMessages_MQTT_3_3_4_3() {
        PahoV5Client subscriber = pahoV5("subid-sub");
        MqttProperties withId = new MqttProperties();
        withId.setSubscriptionIdentifier(42);
        subscriber.subscribe(withId, new MqttSubscription("subid/with", 1));
        subscriber.subscribe(new MqttSubscription("subid/without", 1));
        PahoV5Client publisher = pahoV5("subid-pub");

        publisher.publish("subid/with", "tagged", 1, false);
        publisher.publish("subid/without", "untagged", 1, false);

        List<Msg> received = subscriber.inbox.awaitCount(2);
        assertThat(received).extracting(Msg::text).containsExactly("tagged", "untagged");
        assertThat(((MqttMessage) received.get(0).original()).getProperties().getSubscriptionIdentifiers())
                .containsExactly(42);
        assertThat(((MqttMessage) received.get(1).original()).getProperties().getSubscriptionIdentifiers())
                .isEmpty();
    }

    @Test
    void overlappingSubscriptionsCarryAllTheirIdentifiers_MQTT_3_3_4_4() {
        RawClient subscriber = rawConnected(ProtocolVersion.V5, "subid-raw");
        subscribeWithId(subscriber, 1, "subids/#", 1);
        subscribeWithId(subscriber, 2, "subids/+", 2);
        pahoV5("subids-pub").publish("subids/x", "overlap", 1, false);

        RawPacket.Publish first = subscriber.readPublish();
        subscriber.send(Packets.pubAck(first.packetId()));
        List<RawPacket.Publish> copies = new ArrayList<>(List.of(first));
        for (RawPacket packet : subscriber.readUntilPingResp()) {
            RawPacket.Publish copy = packet.publish(true);
            subscriber.send(Packets.pubAck(copy.packetId()));
            copies.add(copy);
        }

        Set<Long> identifiers = new HashSet<>();
        copies.forEach(copy -> identifiers.addAll(copy.properties().numbers(Props.SUBSCRIPTION_IDENTIFIER)));
        assertThat(identifiers).as("every matching subscription's identifier is sent").containsExactlyInAnyOrder(1L, 2L);
        mosquittoDiverges("Mosquitto sends one copy per subscription, each with its own identifier"
                + " ([MQTT-3.3.4-5]); Starling sends one copy: " + copies.size() + " copies");
        assertThat(copies).as("one copy [MQTT-3.3.4-4]").hasSize(1);
    }

    private static void subscribeWithId(RawClient client, int identifier, String filter, int packetId) {
        client.send(Packets.subscribe(ProtocolVersion.V5, packetId,
                Props.props().subscriptionIdentifier(identifier).encode(), new String[] {filter}, new int[] {1}));
        assertThat(client.read(RawPacket.SUBACK).subAck(true).reasonCodes()).containsExactly(1);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] result = new byte[buffer.remaining()];
        buffer.duplicate().get(result);
        return result;
    }
}
