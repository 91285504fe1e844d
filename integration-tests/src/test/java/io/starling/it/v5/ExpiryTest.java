package io.starling.it.v5;

import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.HiveClient;
import io.starling.it.kit.Msg;
import io.starling.it.kit.Packets;
import io.starling.it.kit.Props;
import io.starling.it.kit.ProtocolVersion;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.RawPacket;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Session Expiry Interval and Message Expiry Interval. */
class ExpiryTest extends BrokerTest {

    @Test
    void sessionIsDiscardedOnceItsExpiryIntervalHasPassed_MQTT_4_1_0_2() {
        HiveClient shortLived = track(HiveClient.create(broker(), "short-lived"));
        shortLived.connect(c -> c.cleanStart(false).sessionExpiryInterval(1));
        shortLived.subscribe("expiry/t", 1);
        shortLived.disconnect();
        HiveClient longLived = track(HiveClient.create(broker(), "long-lived"));
        longLived.connect(c -> c.cleanStart(false).sessionExpiryInterval(60));
        longLived.disconnect();

        awaitBrokerTime(Duration.ofMillis(2_500));

        HiveClient shortAgain = track(HiveClient.create(broker(), "short-lived"));
        HiveClient longAgain = track(HiveClient.create(broker(), "long-lived"));
        assertThat(longAgain.connect(c -> c.cleanStart(false).sessionExpiryInterval(60)).isSessionPresent())
                .as("a 60 s session survives 2.5 s").isTrue();
        assertThat(shortAgain.connect(c -> c.cleanStart(false).sessionExpiryInterval(1)).isSessionPresent())
                .as("a 1 s session is gone after 2.5 s").isFalse();
    }

    @Test
    void sessionWithoutExpiryEndsWithTheConnection_MQTT_3_1_2_23() {
        RawClient first = raw(ProtocolVersion.V5);
        first.connectOk(Packets.connect(ProtocolVersion.V5, "no-expiry").cleanStart(false));
        first.subscribe(1, "no-expiry/t", 1);
        first.send(Packets.disconnect());
        first.awaitClosed();

        RawClient second = raw(ProtocolVersion.V5);
        assertThat(second.connectOk(Packets.connect(ProtocolVersion.V5, "no-expiry").cleanStart(false))
                .sessionPresent()).isFalse();
    }

    @Test
    void disconnectCanEndTheSessionBySettingExpiryToZero_MQTT_3_14_2() {
        RawClient first = raw(ProtocolVersion.V5);
        first.connectOk(Packets.connect(ProtocolVersion.V5, "shortened").cleanStart(false)
                .properties(Props.props().sessionExpiry(60)));
        first.subscribe(1, "shortened/t", 1);
        first.send(Packets.disconnect(0x00, Props.props().sessionExpiry(0)));
        first.awaitClosed();

        RawClient second = raw(ProtocolVersion.V5);
        assertThat(second.connectOk(Packets.connect(ProtocolVersion.V5, "shortened").cleanStart(false)
                .properties(Props.props().sessionExpiry(60))).sessionPresent()).isFalse();
    }

    @Test
    void expiredMessagesAreNotDeliveredToAnOfflineSession_MQTT_3_3_2_5_and_MQTT_3_3_2_6() {
        Packets.ConnectBuilder connect = Packets.connect(ProtocolVersion.V5, "offline-exp").cleanStart(false)
                .properties(Props.props().sessionExpiry(60));
        RawClient first = raw(ProtocolVersion.V5);
        first.connectOk(connect);
        first.subscribe(1, "exp/t", 1);
        first.send(Packets.disconnect());
        first.awaitClosed();
        HiveClient publisher = hive("exp-pub");
        publisher.publish(message("short", 1));
        publisher.publish(message("long", 100));
        publisher.publish(Mqtt5Publish.builder().topic("exp/t").qos(HiveClient.qos(1))
                .payload("none".getBytes(StandardCharsets.UTF_8)).build());

        awaitBrokerTime(Duration.ofMillis(2_500));
        RawClient second = raw(ProtocolVersion.V5);
        assertThat(second.connectOk(connect).sessionPresent()).isTrue();

        RawPacket.Publish longLived = second.readPublish();
        second.send(Packets.pubAck(longLived.packetId()));
        RawPacket.Publish noExpiry = second.readPublish();
        second.send(Packets.pubAck(noExpiry.packetId()));
        assertThat(second.readUntilPingResp()).isEmpty();

        assertThat(longLived.payloadText()).as("the 1 s message expired, the 100 s one did not").isEqualTo("long");
        assertThat(longLived.properties().number(Props.MESSAGE_EXPIRY_INTERVAL))
                .as("remaining interval: sent minus time waited").isBetween(80L, 98L);
        assertThat(noExpiry.payloadText()).isEqualTo("none");
        assertThat(noExpiry.properties().has(Props.MESSAGE_EXPIRY_INTERVAL)).isFalse();
    }

    @Test
    void messageExpiryIsForwardedToOnlineSubscribers_MQTT_3_3_2_6() {
        HiveClient subscriber = hive("exp-online-sub");
        subscriber.subscribe("exp/t", 1);

        hive("exp-online-pub").publish(message("fresh", 30));

        Msg received = subscriber.inbox.awaitCount(1).get(0);
        assertThat(((Mqtt5Publish) received.original()).getMessageExpiryInterval().orElse(-1))
                .isBetween(1L, 30L);
    }

    private static Mqtt5Publish message(String payload, long expirySeconds) {
        return Mqtt5Publish.builder().topic("exp/t").qos(HiveClient.qos(1))
                .payload(payload.getBytes(StandardCharsets.UTF_8)).messageExpiryInterval(expirySeconds).build();
    }
}
