package io.starling.it.retained;

import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.HiveClient;
import io.starling.it.kit.Msg;
import io.starling.it.kit.PahoV3Client;
import io.starling.it.kit.PahoV5Client;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * Retained messages: stored, replaced, deleted by an empty payload, delivered on subscribe; MQTT 5.0 Retain
 * Handling and Retain As Published. Identifiers of the 3.1.1 tests are 3.1.1's (its numbering differs).
 */
class RetainedTest extends BrokerTest {

    @Test
    void retainedMessageIsDeliveredToNewSubscribersWithRetainSet_MQTT_3_3_1_6_and_MQTT_3_3_1_8() {
        PahoV3Client publisher = pahoV3("ret-pub");
        publisher.publish("ret/a", "stored", 1, true);

        PahoV3Client subscriber = pahoV3("ret-sub");
        subscriber.subscribe("ret/#", 1);
        Msg retained = subscriber.inbox.awaitCount(1).get(0);
        assertThat(retained.key()).isEqualTo("ret/a:stored");
        assertThat(retained.retain()).as("RETAIN set when sent because of a new subscription").isTrue();

        publisher.publish("ret/a", "live", 1, true);
        Msg live = subscriber.inbox.awaitCount(2).get(1);
        assertThat(live.key()).isEqualTo("ret/a:live");
        assertThat(live.retain()).as("RETAIN clear on an established subscription [MQTT-3.3.1-9]").isFalse();
    }

    @Test
    void newerRetainedMessageReplacesTheOlder_MQTT_3_3_1_5() {
        PahoV3Client publisher = pahoV3("replace-pub");
        publisher.publish("replace/t", "old", 1, true);
        publisher.publish("replace/t", "new", 1, true);

        PahoV3Client subscriber = pahoV3("replace-sub");
        subscriber.subscribe("replace/#", 1);
        publisher.publish("replace/marker", "marker", 1, false);

        assertThat(subscriber.inbox.awaitMarker(m -> m.topic().equals("replace/marker")))
                .extracting(Msg::key, Msg::retain)
                .containsExactly(tuple("replace/t:new", true), tuple("replace/marker:marker", false));
    }

    @Test
    void emptyRetainedPayloadDeletesTheRetainedMessage_MQTT_3_3_1_10_and_MQTT_3_3_1_11() {
        PahoV3Client publisher = pahoV3("delete-pub");
        PahoV3Client existing = pahoV3("delete-existing");
        existing.subscribe("delete/t", 1);
        publisher.publish("delete/t", "doomed", 1, true);
        publisher.publish("delete/t", new byte[0], 1, true);

        assertThat(existing.inbox.awaitCount(2)).extracting(Msg::text)
                .as("the empty message is still delivered normally").containsExactly("doomed", "");

        PahoV3Client subscriber = pahoV3("delete-new");
        subscriber.subscribe("delete/#", 1);
        publisher.publish("delete/marker", "marker", 1, false);
        assertThat(subscriber.inbox.awaitMarker(m -> m.topic().equals("delete/marker")))
                .extracting(Msg::key).containsExactly("delete/marker:marker");
    }

    @Test
    void nonRetainedPublishLeavesTheRetainedMessage_MQTT_3_3_1_12() {
        PahoV3Client publisher = pahoV3("keep-pub");
        publisher.publish("keep/t", "retained", 1, true);
        publisher.publish("keep/t", "not retained", 1, false);

        PahoV3Client subscriber = pahoV3("keep-sub");
        subscriber.subscribe("keep/#", 1);
        publisher.publish("keep/marker", "marker", 1, false);

        assertThat(subscriber.inbox.awaitMarker(m -> m.topic().equals("keep/marker")))
                .extracting(Msg::key).containsExactly("keep/t:retained", "keep/marker:marker");
    }

    @Test
    void retainHandling0SendsRetainedMessagesOnEverySubscribe_MQTT_3_3_1_9_and_MQTT_3_8_4_4() {
        HiveClient publisher = hive("rh0-pub");
        publisher.publish("rh0/t", "retained", 1, true);
        HiveClient subscriber = hive("rh0-sub");

        for (int i = 0; i < 2; i++) {
            subscriber.subscribe(subscription("rh0/t", Mqtt5RetainHandling.SEND));
        }
        subscriber.subscribe("rh0-marker", 1);
        publisher.publish("rh0-marker", "marker", 1, false);

        assertThat(subscriber.inbox.awaitMarker(m -> m.topic().equals("rh0-marker")))
                .extracting(Msg::key).containsExactly("rh0/t:retained", "rh0/t:retained", "rh0-marker:marker");
    }

    @Test
    void retainHandling1SendsRetainedMessagesOnlyForANewSubscription_MQTT_3_3_1_10() {
        HiveClient publisher = hive("rh1-pub");
        publisher.publish("rh1/t", "retained", 1, true);
        HiveClient subscriber = hive("rh1-sub");

        for (int i = 0; i < 2; i++) {
            subscriber.subscribe(subscription("rh1/t", Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST));
        }
        subscriber.subscribe("rh1-marker", 1);
        publisher.publish("rh1-marker", "marker", 1, false);

        assertThat(subscriber.inbox.awaitMarker(m -> m.topic().equals("rh1-marker")))
                .extracting(Msg::key).containsExactly("rh1/t:retained", "rh1-marker:marker");
    }

    @Test
    void retainHandling2NeverSendsRetainedMessages_MQTT_3_3_1_11() {
        HiveClient publisher = hive("rh2-pub");
        publisher.publish("rh2/t", "retained", 1, true);
        HiveClient subscriber = hive("rh2-sub");

        subscriber.subscribe(subscription("rh2/t", Mqtt5RetainHandling.DO_NOT_SEND));
        subscriber.subscribe("rh2-marker", 1);
        publisher.publish("rh2/t", "live", 1, false);
        publisher.publish("rh2-marker", "marker", 1, false);

        assertThat(subscriber.inbox.awaitMarker(m -> m.topic().equals("rh2-marker")))
                .extracting(Msg::key).containsExactly("rh2/t:live", "rh2-marker:marker");
    }

    @Test
    void retainAsPublishedKeepsTheRetainFlagOfLiveMessages_MQTT_3_3_1_12_and_MQTT_3_3_1_13() {
        PahoV5Client subscriber = pahoV5("rap-sub");
        MqttSubscription asPublished = new MqttSubscription("rap/kept", 1);
        asPublished.setRetainAsPublished(true);
        MqttSubscription cleared = new MqttSubscription("rap/cleared", 1);
        cleared.setRetainAsPublished(false);
        subscriber.subscribe(asPublished, cleared);
        PahoV5Client publisher = pahoV5("rap-pub");

        publisher.publish("rap/kept", "kept", 1, true);
        publisher.publish("rap/cleared", "cleared", 1, true);

        List<Msg> received = subscriber.inbox.awaitCount(2);
        assertThat(received).extracting(Msg::key, Msg::retain)
                .containsExactly(tuple("rap/kept:kept", true), tuple("rap/cleared:cleared", false));
    }

    private static Mqtt5Subscribe subscription(String filter, Mqtt5RetainHandling handling) {
        return Mqtt5Subscribe.builder().topicFilter(filter).qos(HiveClient.qos(1)).retainHandling(handling).build();
    }
}
