package io.starling.it.connect;

import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.HiveClient;
import io.starling.it.kit.Packets;
import io.starling.it.kit.PahoV3Client;
import io.starling.it.kit.PahoV5Client;
import io.starling.it.kit.Props;
import io.starling.it.kit.ProtocolVersion;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.RawPacket;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CONNECT and CONNACK: protocol negotiation, client identifiers, clean session / clean start, session present. */
class ConnectTest extends BrokerTest {

    @Test
    void mqtt31ClientConnectsAndExchangesMessages_MQIsdp_level3() {
        PahoV3Client subscriber = pahoV3("sub31", o -> o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1));
        PahoV3Client publisher = pahoV3("pub31", o -> o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1));

        assertThat(subscriber.subscribe("v31/t", 1)).isEqualTo(1);
        publisher.publish("v31/t", "hello 3.1", 1, false);

        assertThat(subscriber.inbox.awaitCount(1).get(0).key()).isEqualTo("v31/t:hello 3.1");
    }

    @Test
    void mqtt31ConnectIsAnsweredWithA31Connack_MQIsdp_level3() {
        RawClient client = raw(ProtocolVersion.V3_1);
        client.send(Packets.connect(ProtocolVersion.V3_1, "raw31").build());

        RawPacket connAck = client.read(RawPacket.CONNACK);

        // MQTT 3.1 CONNACK: a reserved byte and the return code, nothing else.
        assertThat(connAck.body()).containsExactly(0, 0);
    }

    @Test
    void mqtt311ClientConnectsAndExchangesMessages_MQTT_3_1_4_4() {
        PahoV3Client subscriber = pahoV3("sub311");
        PahoV3Client publisher = pahoV3("pub311");

        assertThat(subscriber.subscribe("v311/t", 2)).isEqualTo(2);
        publisher.publish("v311/t", "hello 3.1.1", 2, false);

        assertThat(subscriber.inbox.awaitCount(1).get(0).key()).isEqualTo("v311/t:hello 3.1.1");
    }

    @Test
    void mqtt5ClientConnectsAndExchangesMessages_MQTT_3_1_4_5() {
        HiveClient subscriber = track(HiveClient.create(broker(), "sub5"));
        Mqtt5ConnAck connAck = subscriber.connect();
        HiveClient publisher = hive("pub5");

        assertThat(connAck.getReasonCode().getCode()).isZero();
        subscriber.subscribe("v5/t", 2);
        publisher.publish("v5/t", "hello 5", 2, false);

        assertThat(subscriber.inbox.awaitCount(1).get(0).key()).isEqualTo("v5/t:hello 5");
    }

    @Test
    void unsupportedProtocolLevelIsRefusedWithReturnCode1_MQTT_3_1_2_2() {
        byte[] connect = Packets.connect(ProtocolVersion.V3_1_1, "level6").build();
        connect[8] = 6; // fixed header (2) + "MQTT" (6): the protocol level byte
        RawClient client = raw(ProtocolVersion.V3_1_1);
        client.send(connect);

        RawPacket.ConnAck connAck = client.read().connAck(false);

        assertThat(connAck.reasonCode()).as("0x01 unacceptable protocol version").isEqualTo(0x01);
        assertThat(connAck.sessionPresent()).isFalse();
        assertThat(client.awaitClosed()).isEmpty();
    }

    @Test
    void emptyClientIdGetsAssignedClientIdentifier_MQTT_3_2_2_16() {
        HiveClient first = track(HiveClient.create(broker(), null));
        HiveClient second = track(HiveClient.create(broker(), null));

        Mqtt5ConnAck firstAck = first.connect();
        Mqtt5ConnAck secondAck = second.connect();

        assertThat(firstAck.getAssignedClientIdentifier()).isPresent();
        assertThat(secondAck.getAssignedClientIdentifier()).isPresent();
        String firstId = firstAck.getAssignedClientIdentifier().get().toString();
        assertThat(firstId).isNotEmpty();
        assertThat(secondAck.getAssignedClientIdentifier().get().toString())
                .as("a new identifier not used by any other session").isNotEqualTo(firstId);
    }

    @Test
    void emptyClientIdOnTheWireGetsAssignedClientIdentifierProperty_MQTT_3_1_3_7() {
        RawClient client = raw(ProtocolVersion.V5);

        RawPacket.ConnAck connAck = client.connectOk(Packets.connect(ProtocolVersion.V5, ""));

        assertThat(connAck.properties().string(Props.ASSIGNED_CLIENT_IDENTIFIER)).isNotBlank();
    }

    @Test
    void emptyClientIdIsAcceptedWithCleanSession_MQTT_3_1_3_6() {
        RawClient client = raw(ProtocolVersion.V3_1_1);

        RawPacket.ConnAck connAck = client.connect(Packets.connect(ProtocolVersion.V3_1_1, "").cleanStart(true));

        assertThat(connAck.reasonCode()).isZero();
    }

    @Test
    void emptyClientIdWithoutCleanSessionIsRefusedWithReturnCode2_MQTT_3_1_3_8() {
        RawClient client = raw(ProtocolVersion.V3_1_1);

        RawPacket.ConnAck connAck = client.connect(Packets.connect(ProtocolVersion.V3_1_1, "").cleanStart(false));

        assertThat(connAck.reasonCode()).as("0x02 identifier rejected").isEqualTo(0x02);
        assertThat(connAck.sessionPresent()).isFalse();
        assertThat(client.awaitClosed()).isEmpty();
    }

    @Test
    void pahoWithEmptyClientIdWithoutCleanSessionIsRefused_MQTT_3_1_3_8() {
        PahoV3Client client = track(PahoV3Client.create(broker(), ""));

        assertThatThrownBy(() -> client.connect(o -> o.setCleanSession(false)))
                .isInstanceOf(MqttException.class)
                .extracting(e -> ((MqttException) e).getReasonCode())
                .isEqualTo((int) MqttException.REASON_CODE_INVALID_CLIENT_ID);
    }

    @Test
    void sessionTakeoverClosesTheFirst311Connection_MQTT_3_1_4_2() {
        PahoV3Client first = pahoV3("same-id");
        PahoV3Client second = pahoV3("same-id");

        first.lost.awaitCount(1);
        assertThat(first.isConnected()).isFalse();
        assertThat(second.isConnected()).isTrue();
        second.subscribe("takeover/t", 1);
        second.publish("takeover/t", "still works", 1, false);
        assertThat(second.inbox.awaitCount(1).get(0).text()).isEqualTo("still works");
    }

    @Test
    void sessionTakeoverCloses311ConnectionWithoutDisconnect_MQTT_3_1_4_2() {
        RawClient first = rawConnected(ProtocolVersion.V3_1_1, "same-raw");
        rawConnected(ProtocolVersion.V3_1_1, "same-raw");

        // MQTT 3.1.1 has no server DISCONNECT: the connection is just closed.
        assertThat(first.awaitClosed()).isEmpty();
    }

    @Test
    void sessionPresentTracksCleanSession_MQTT_3_2_2_1_and_MQTT_3_2_2_2() throws MqttException {
        PahoV3Client first = track(PahoV3Client.create(broker(), "persistent")).connect(o -> o.setCleanSession(false));
        assertThat(first.sessionPresent()).as("no session yet").isFalse();
        first.subscribe("persistent/t", 1);
        first.disconnect();

        PahoV3Client resumed = track(PahoV3Client.create(broker(), "persistent")).connect(o -> o.setCleanSession(false));
        assertThat(resumed.sessionPresent()).as("stored session resumed [MQTT-3.2.2-2]").isTrue();
        resumed.disconnect();

        PahoV3Client clean = track(PahoV3Client.create(broker(), "persistent")).connect(o -> o.setCleanSession(true));
        assertThat(clean.sessionPresent()).as("clean session [MQTT-3.2.2-1]").isFalse();
        clean.disconnect();

        PahoV3Client afterClean = track(PahoV3Client.create(broker(), "persistent"))
                .connect(o -> o.setCleanSession(false));
        assertThat(afterClean.sessionPresent()).as("the clean session discarded the old one [MQTT-3.1.2-6]")
                .isFalse();
    }

    @Test
    void sessionTakeoverDisconnectsFirstClient_MQTT_3_1_4_3() {
        PahoV5Client first = pahoV5("same-v5");
        PahoV5Client second = pahoV5("same-v5");

        MqttDisconnectResponse response = first.disconnects.awaitCount(1).get(0);
        assertThat(first.isConnected()).isFalse();
        assertThat(second.isConnected()).isTrue();
        second.subscribe("takeover5/t", 1);
        second.publish("takeover5/t", "second works", 1, false);
        assertThat(second.inbox.awaitCount(1).get(0).text()).isEqualTo("second works");
        mosquittoDiverges("2.0.11 closes the taken-over connection without sending DISCONNECT 0x8E");
        assertThat(response.getReturnCode()).as("0x8E session taken over").isEqualTo(0x8E);
    }

    @Test
    void sessionTakeoverSendsDisconnect0x8EThenCloses_MQTT_3_1_4_3() {
        RawClient first = rawConnected(ProtocolVersion.V5, "same-raw5");
        rawConnected(ProtocolVersion.V5, "same-raw5");

        assertDisconnectedWith(first, 0x8E);
    }

    @Test
    void cleanStartZeroResumesSessionAndCleanStartOneDiscardsIt_MQTT_3_1_2_4_and_MQTT_3_1_2_5() {
        HiveClient client = track(HiveClient.create(broker(), "resumable"));
        HiveClient publisher = hive("resumable-pub");

        Mqtt5ConnAck created = client.connect(c -> c.cleanStart(false).sessionExpiryInterval(60));
        assertThat(created.isSessionPresent()).as("new session [MQTT-3.1.2-6]").isFalse();
        client.subscribe("resumable/t", 1);
        client.disconnect();

        Mqtt5ConnAck resumed = client.connect(c -> c.cleanStart(false).sessionExpiryInterval(60));
        assertThat(resumed.isSessionPresent()).as("session present [MQTT-3.2.2-3]").isTrue();
        publisher.publish("resumable/t", "kept subscription", 1, false);
        assertThat(client.inbox.awaitCount(1).get(0).text()).isEqualTo("kept subscription");
        client.disconnect();

        // A new HiveMQ client object: HiveMQ ends its publish flows when a session is not resumed.
        HiveClient cleanClient = track(HiveClient.create(broker(), "resumable"));
        Mqtt5ConnAck cleaned = cleanClient.connect(c -> c.cleanStart(true).sessionExpiryInterval(60));
        assertThat(cleaned.isSessionPresent()).as("clean start discards the session [MQTT-3.2.2-2]").isFalse();
        cleanClient.subscribe("resumable/marker", 1);
        publisher.publish("resumable/t", "old subscription is gone", 1, false);
        publisher.publish("resumable/marker", "marker", 1, false);
        assertThat(cleanClient.inbox.awaitMarker(m -> m.topic().equals("resumable/marker")))
                .extracting(m -> m.text())
                .containsExactly("marker");
    }
}
