package io.starling.it.will;

import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.CliProcess;
import io.starling.it.kit.HiveClient;
import io.starling.it.kit.Msg;
import io.starling.it.kit.Packets;
import io.starling.it.kit.PahoV3Client;
import io.starling.it.kit.PahoV5Client;
import io.starling.it.kit.Props;
import io.starling.it.kit.ProtocolVersion;
import io.starling.it.kit.RawClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Will messages: when they are published, when not, delayed, and with their properties. */
class WillTest extends BrokerTest {

    private PahoV3Client willWatcher() {
        PahoV3Client watcher = pahoV3("will-watcher");
        watcher.subscribe("will/#", 1);
        return watcher;
    }

    @Test
    void willIsPublishedWhenKeepAliveExpires_MQTT_3_1_2_8() {
        PahoV3Client watcher = willWatcher();
        RawClient client = raw(ProtocolVersion.V3_1_1);
        client.connectOk(Packets.connect(ProtocolVersion.V3_1_1, "expiring").keepAlive(1)
                .will("will/expiring", "keep alive expired", 1, false));

        client.awaitClosed(Duration.ofSeconds(8));

        assertThat(watcher.inbox.awaitCount(1, Duration.ofSeconds(8)).get(0).key())
                .isEqualTo("will/expiring:keep alive expired");
    }

    @Test
    void willIsPublishedWhenAKilledMosquittoSubLosesItsConnection_MQTT_3_1_2_8() {
        PahoV3Client watcher = willWatcher();
        CliProcess dying = mosquittoSub("-V", "311", "-i", "dying-cli", "-t", "cli/anything", "-d",
                "--will-topic", "will/cli", "--will-payload", "killed", "--will-qos", "1");
        dying.awaitLine(line -> line.contains("received SUBACK"));

        dying.kill(); // SIGKILL: the kernel closes the socket, no DISCONNECT is sent

        assertThat(watcher.inbox.awaitCount(1).get(0).key()).isEqualTo("will/cli:killed");
    }

    @Test
    void willIsPublishedWhenTheSocketClosesWithoutDisconnect_MQTT_3_1_2_8() {
        PahoV3Client watcher = willWatcher();
        RawClient client = raw(ProtocolVersion.V5);
        client.connectOk(Packets.connect(ProtocolVersion.V5, "vanishing")
                .will("will/vanishing", "socket closed", 1, false));

        client.close();

        assertThat(watcher.inbox.awaitCount(1).get(0).key()).isEqualTo("will/vanishing:socket closed");
    }

    @Test
    void willIsPublishedWhenTheServerClosesTheConnectionForAProtocolViolation_MQTT_3_1_2_8() {
        PahoV3Client watcher = willWatcher();
        RawClient client = raw(ProtocolVersion.V3_1_1);
        client.connectOk(Packets.connect(ProtocolVersion.V3_1_1, "violator")
                .will("will/violator", "malformed input", 1, false));

        // PUBLISH with both QoS bits set: a malformed packet [MQTT-3.3.1-4].
        client.send(new byte[] {0x36, 0x05, 0x00, 0x01, 'x', 0x00, 0x01});

        client.awaitClosed();
        assertThat(watcher.inbox.awaitCount(1).get(0).key()).isEqualTo("will/violator:malformed input");
    }

    @Test
    void willIsPublishedWhenATakeoverEndsTheSession_MQTT_3_1_2_8_and_MQTT_3_1_4_3() {
        PahoV3Client watcher = willWatcher();
        PahoV5Client first = pahoV5("taken", options -> {
            MqttMessage will = new MqttMessage("taken over".getBytes(StandardCharsets.UTF_8));
            will.setQos(1);
            options.setWill("will/taken", will);
        });

        // Clean start on the new connection ends the old session: its will is due whatever its delay.
        pahoV5("taken", options -> options.setCleanStart(true));

        first.disconnects.awaitCount(1);
        assertThat(watcher.inbox.awaitCount(1).get(0).key()).isEqualTo("will/taken:taken over");
    }

    @Test
    void willIsNotPublishedAfterANormalDisconnect_MQTT_3_1_2_10() {
        PahoV3Client watcher = willWatcher();
        PahoV3Client polite = pahoV3("polite", options -> options.setWill("will/polite", "must not appear"
                .getBytes(StandardCharsets.UTF_8), 1, false));

        polite.disconnect();
        pahoV3("marker-pub").publish("will/marker", "marker", 1, false);

        assertThat(watcher.inbox.awaitMarker(m -> m.topic().equals("will/marker")))
                .extracting(Msg::key).containsExactly("will/marker:marker");
    }

    @Test
    void willIsNotPublishedAfterDisconnectWithReason0x00_MQTT_3_14_4_3() {
        PahoV3Client watcher = willWatcher();
        HiveClient polite = track(HiveClient.create(broker(), "polite5"));
        polite.connect(c -> c.willPublish().topic("will/polite5").payload("must not appear"
                .getBytes(StandardCharsets.UTF_8)).qos(HiveClient.qos(1)).applyWillPublish());

        polite.disconnect(Mqtt5Disconnect.builder().reasonCode(Mqtt5DisconnectReasonCode.NORMAL_DISCONNECTION)
                .build());
        pahoV3("marker-pub").publish("will/marker", "marker", 1, false);

        assertThat(watcher.inbox.awaitMarker(m -> m.topic().equals("will/marker")))
                .extracting(Msg::key).containsExactly("will/marker:marker");
    }

    @Test
    void disconnectWithReason0x04PublishesTheWill_MQTT_3_14_2() {
        PahoV3Client watcher = willWatcher();
        HiveClient leaving = track(HiveClient.create(broker(), "leaving"));
        leaving.connect(c -> c.willPublish().topic("will/leaving").payload("asked for it"
                .getBytes(StandardCharsets.UTF_8)).qos(HiveClient.qos(1)).applyWillPublish());

        leaving.disconnect(Mqtt5Disconnect.builder()
                .reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).build());

        assertThat(watcher.inbox.awaitCount(1).get(0).key()).isEqualTo("will/leaving:asked for it");
    }

    @Test
    void willIsDelayedByTheWillDelayInterval_MQTT_3_1_2_8() {
        PahoV3Client watcher = willWatcher();
        RawClient client = raw(ProtocolVersion.V5);
        client.connectOk(Packets.connect(ProtocolVersion.V5, "delayed").cleanStart(false)
                .properties(Props.props().sessionExpiry(60))
                .will("will/delayed", "two seconds later", 1, false)
                .willProperties(Props.props().willDelay(2)));
        long closed = System.nanoTime();

        client.close();

        Msg will = watcher.inbox.awaitCount(1, Duration.ofSeconds(8)).get(0);
        Duration delay = Duration.ofNanos(will.receivedNanos() - closed);
        assertThat(will.key()).isEqualTo("will/delayed:two seconds later");
        assertThat(delay).isBetween(Duration.ofMillis(1_800), Duration.ofMillis(6_000));
    }

    @Test
    void reconnectWithinTheWillDelayCancelsTheWill_MQTT_3_1_3_9() {
        PahoV3Client watcher = willWatcher();
        Packets.ConnectBuilder connect = Packets.connect(ProtocolVersion.V5, "returning").cleanStart(false)
                .properties(Props.props().sessionExpiry(60))
                .will("will/returning", "must not appear", 1, false)
                .willProperties(Props.props().willDelay(2));
        RawClient first = raw(ProtocolVersion.V5);
        first.connectOk(connect);
        first.close();

        RawClient back = raw(ProtocolVersion.V5);
        assertThat(back.connectOk(Packets.connect(ProtocolVersion.V5, "returning").cleanStart(false)
                .properties(Props.props().sessionExpiry(60))).sessionPresent()).isTrue();
        awaitBrokerTime(Duration.ofSeconds(3)); // past the will delay
        pahoV3("marker-pub").publish("will/marker", "marker", 1, false);

        assertThat(watcher.inbox.awaitMarker(m -> m.topic().equals("will/marker")))
                .extracting(Msg::key).containsExactly("will/marker:marker");
    }

    @Test
    void willPropertiesAreForwardedWithTheWill_MQTT_3_1_3_10() {
        PahoV5Client watcher = pahoV5("will-watcher5");
        watcher.subscribe("will/#", 1);
        RawClient client = raw(ProtocolVersion.V5);
        client.connectOk(Packets.connect(ProtocolVersion.V5, "propertied")
                .will("will/propertied", "{\"state\":\"gone\"}", 1, false)
                .willProperties(Props.props()
                        .u8(Props.PAYLOAD_FORMAT_INDICATOR, 1)
                        .messageExpiry(120)
                        .string(Props.CONTENT_TYPE, "application/json")
                        .string(Props.RESPONSE_TOPIC, "reply/here")
                        .binary(Props.CORRELATION_DATA, new byte[] {1, 2, 3})
                        .userProperty("z", "1").userProperty("a", "2").userProperty("z", "3")));

        client.close();

        Msg will = watcher.inbox.awaitCount(1).get(0);
        MqttProperties properties = ((MqttMessage) will.original()).getProperties();
        assertThat(will.key()).isEqualTo("will/propertied:{\"state\":\"gone\"}");
        assertThat(properties.getPayloadFormat()).isTrue();
        assertThat(properties.getContentType()).isEqualTo("application/json");
        assertThat(properties.getResponseTopic()).isEqualTo("reply/here");
        assertThat(properties.getCorrelationData()).containsExactly(1, 2, 3);
        assertThat(properties.getMessageExpiryInterval()).isBetween(100L, 120L);
        assertThat(properties.getUserProperties()).extracting(UserProperty::getKey, UserProperty::getValue)
                .as("all user properties, in order")
                .containsExactly(org.assertj.core.groups.Tuple.tuple("z", "1"),
                        org.assertj.core.groups.Tuple.tuple("a", "2"), org.assertj.core.groups.Tuple.tuple("z", "3"));
    }

    @Test
    void willWithRetainIsPublishedAsARetainedMessage_MQTT_3_1_2_15() {
        RawClient client = raw(ProtocolVersion.V5);
        client.connectOk(Packets.connect(ProtocolVersion.V5, "retaining")
                .will("will/retained", "last words", 1, true));
        PahoV3Client watcher = willWatcher();
        client.close();
        watcher.inbox.awaitCount(1);

        PahoV3Client late = pahoV3("late");
        late.subscribe("will/retained", 1);

        Msg retained = late.inbox.awaitCount(1).get(0);
        assertThat(retained.key()).isEqualTo("will/retained:last words");
        assertThat(retained.retain()).isTrue();
    }

    @Test
    void willIsPublishedWhenTheSessionEndsBeforeTheWillDelay_MQTT_3_1_2_8() {
        PahoV3Client watcher = willWatcher();
        RawClient client = raw(ProtocolVersion.V5);
        client.connectOk(Packets.connect(ProtocolVersion.V5, "short-session").cleanStart(false)
                .properties(Props.props().sessionExpiry(1))
                .will("will/short-session", "session ended first", 1, false)
                .willProperties(Props.props().willDelay(30)));
        long closed = System.nanoTime();

        client.close();

        Msg will = watcher.inbox.awaitCount(1, Duration.ofSeconds(8)).get(0);
        assertThat(will.key()).isEqualTo("will/short-session:session ended first");
        assertThat(Duration.ofNanos(will.receivedNanos() - closed)).as("at the 1 s session end, not after 30 s")
                .isBetween(Duration.ofMillis(800), Duration.ofMillis(6_000));
    }
}
