package io.starling.it.features;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.buffer.Unpooled;
import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ConnectionConfig;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.Disconnect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PubRec;
import io.starling.codec.packet.Publish;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flow control and size limits in both directions: a client that exceeds the broker's Receive Maximum is
 * disconnected with 0x93; a message larger than a client's Maximum Packet Size is not sent to it and is counted;
 * a session expiry of 0 at CONNECT cannot be raised at DISCONNECT.
 */
class FlowAndSizeLimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private Broker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void exceedingTheServersReceiveMaximumGetsDisconnect0x93_MQTT_3_3_4_9() throws Exception {
        ConnectionConfig d = ConnectionConfig.DEFAULT;
        broker = Broker.start(BrokerConfig.DEFAULT.withListener("127.0.0.1", 0).withConnection(new ConnectionConfig(
                d.connectTimeout(), d.maximumPacketSize(), 2, d.topicAliasMaximum(), d.maximumKeepAlive(),
                d.keepAliveGraceFactor())));
        try (WireClient client = new WireClient(broker.port(), WAIT)) {
            client.send(new Connect(MqttVersion.MQTT_5, "greedy", true, 0, null, null, null, MqttProperties.EMPTY));
            ConnAck connAck = (ConnAck) client.receive();
            assertThat(connAck.properties().receiveMaximum()).isEqualTo(2);
            // QoS 2 PUBLISHes stay unacknowledged until PUBREL, which this client never sends.
            for (int id = 1; id <= 3; id++) {
                client.send(new Publish("q2/" + id, QoS.EXACTLY_ONCE, false, false, id, MqttProperties.EMPTY,
                        Unpooled.wrappedBuffer(new byte[] {1})));
            }
            assertThat(client.receive()).isInstanceOf(PubRec.class);
            assertThat(client.receive()).isInstanceOf(PubRec.class);
            MqttPacket last = client.receive();
            assertThat(last).isInstanceOfSatisfying(Disconnect.class,
                    d2 -> assertThat(d2.reasonCode()).isEqualTo(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED));
            assertClosed(client);
        }
    }

    @Test
    void messageLargerThanTheClientsMaximumPacketSizeIsNotSentAndIsCounted_MQTT_3_1_2_25() throws Exception {
        broker = Broker.start(BrokerConfig.DEFAULT.withListener("127.0.0.1", 0));
        Mqtt5BlockingClient small = Mqtt5Client.builder().identifier("small").serverHost("127.0.0.1")
                .serverPort(broker.port()).buildBlocking();
        small.connectWith().restrictions().maximumPacketSize(256).applyRestrictions().send();
        try (Mqtt5BlockingClient.Mqtt5Publishes inbox = small.publishes(MqttGlobalPublishFilter.ALL)) {
            small.subscribeWith().topicFilter("sized/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient publisher = Mqtt5Client.builder().identifier("big").serverHost("127.0.0.1")
                    .serverPort(broker.port()).buildBlocking();
            publisher.connect();
            publisher.publishWith().topic("sized/big").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[1000]).send();
            publisher.publishWith().topic("sized/small").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("fits".getBytes(StandardCharsets.UTF_8)).send();

            Optional<Mqtt5Publish> first = inbox.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(first).hasValueSatisfying(p -> assertThat(p.getTopic().toString()).isEqualTo("sized/small"));
            assertThat(broker.metrics().messagesDroppedTooLarge()).isEqualTo(1);
            assertThat(small.getState().isConnected()).isTrue();
            publisher.disconnect();
        }
        small.disconnect();
    }

    @Test
    void sessionExpiryCannotGoFromZeroToNonZeroAtDisconnect() throws Exception {
        broker = Broker.start(BrokerConfig.DEFAULT.withListener("127.0.0.1", 0));
        try (WireClient client = new WireClient(broker.port(), WAIT)) {
            client.send(new Connect(MqttVersion.MQTT_5, "expiry-zero", true, 0, null, null, null, MqttProperties.EMPTY));
            assertThat(client.receive()).isInstanceOf(ConnAck.class);
            client.send(new Disconnect(ReasonCode.NORMAL_DISCONNECTION,
                    MqttProperties.builder().sessionExpiryInterval(600L).build()));
            assertThat(client.receive()).isInstanceOfSatisfying(Disconnect.class,
                    d -> assertThat(d.reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR));
            assertClosed(client);
        }
        assertThat(broker.sessionCount()).as("the session ended with its expiry of 0").isZero();
    }

    private static void assertClosed(WireClient client) {
        try {
            MqttPacket extra = client.receive();
            throw new AssertionError("expected the broker to close the connection, got " + extra);
        } catch (IOException closed) {
            assertThat(closed).hasMessageContaining("closed");
        }
    }
}
