package io.starling.it.rules;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.broker.Broker;
import io.starling.broker.spi.AuthenticationResult;
import io.starling.broker.spi.Authenticator;
import io.starling.broker.spi.Authorizer;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.Auth;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.Disconnect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PingReq;
import io.starling.codec.packet.Publish;
import io.starling.codec.packet.Will;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.starling.it.rules.RuleSupport.WAIT;
import static io.starling.it.rules.RuleSupport.config;
import static io.starling.it.rules.RuleSupport.features;
import static io.starling.it.rules.RuleSupport.hive3;
import static io.starling.it.rules.RuleSupport.hive5;
import static io.starling.it.rules.RuleSupport.sessionExpiry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CONNECT and CONNACK rules of 5.0 and 3.1.1 that need a socket: an unknown protocol name, refusals by the
 * authenticator and by the broker's own checks (and what happens to packets sent after a refused CONNECT), the
 * will's retain flag, session state while connected, and the absence of AUTH for clients that did not ask for it.
 */
class ConnectRulesTest {
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

    private WireConnection wire(MqttVersion version) {
        WireConnection connection = WireConnection.open(broker.port(), version);
        clients.add(connection);
        return connection;
    }

    /** A HiveMQ MQTT 5 client, connected, whose publishes are collected. */
    private Mqtt5BlockingClient.Mqtt5Publishes listen(String clientId, String filter) {
        Mqtt5BlockingClient client = hive5(broker, clientId);
        client.connect();
        Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL);
        clients.add(publishes);
        clients.add(() -> {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        });
        client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).retainAsPublished(true).send();
        return publishes;
    }

    private void publishMarker(String topic) {
        Mqtt5BlockingClient marker = hive5(broker, "marker-publisher");
        marker.connect();
        marker.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();
        marker.disconnect();
    }

    private static Mqtt5Publish next(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        Optional<Mqtt5Publish> publish = publishes.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(publish).as("a message within %s", WAIT).isPresent();
        return publish.get();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Mqtt5Publish publish) {
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    // ---- protocol name ----------------------------------------------------------------------------------------

    /** Level 4 is the 3.1.1 statement, level 5 the 5.0 one: the name is wrong, the level is known. */
    @ParameterizedTest(name = "protocol level {0}")
    @ValueSource(ints = {4, 5})
    void unknownProtocolNameIsAnsweredWithReturnCode1AndClosed_MQTT_3_1_2_1(int level) {
        broker = Broker.start(config());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x00, 0x04, 'M', 'Q', 'T', 'X', (byte) level, 0x02, 0x00, 0x3C});
        if (level == 5) {
            body.write(0x00); // no properties
        }
        body.writeBytes(new byte[] {0x00, 0x04, 'n', 'a', 'm', 'e'});
        ByteArrayOutputStream connect = new ByteArrayOutputStream();
        connect.write(0x10);
        connect.write(body.size());
        connect.writeBytes(body.toByteArray());

        WireConnection client = wire(MqttVersion.MQTT_3_1_1);
        client.sendBytes(connect.toByteArray());

        // A 3.1.1-form CONNACK with return code 0x01, then the close; nothing is processed as MQTT.
        assertThat(client.rawBytesUntilClosed()).containsExactly(0x20, 0x02, 0x00, 0x01);
        assertThat(broker.sessionCount()).isZero();
    }

    // ---- will -------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void willWithRetainZeroIsPublishedAsANonRetainedMessage_MQTT_3_1_2_14_and_MQTT_3_1_2_16(MqttVersion version)
            throws InterruptedException {
        broker = Broker.start(config());
        Mqtt5BlockingClient.Mqtt5Publishes watcher = listen("will-watcher", "will/#");
        WireConnection dying = wire(version);
        dying.connect(new Connect(version, "dying", true, 0, null, null,
                new Will("will/dying", bytes("gone"), QoS.AT_LEAST_ONCE, false, MqttProperties.EMPTY),
                MqttProperties.EMPTY));

        dying.close(); // no DISCONNECT: the will is due

        Mqtt5Publish will = next(watcher);
        assertThat(text(will)).isEqualTo("gone");
        assertThat(will.isRetain()).as("RETAIN of the will, to a Retain As Published subscription").isFalse();
        // Not stored either: a later subscriber gets no retained will before the marker.
        Mqtt5BlockingClient.Mqtt5Publishes late = listen("late-subscriber", "will/#");
        publishMarker("will/marker");
        assertThat(next(late).getTopic().toString()).isEqualTo("will/marker");
    }

    // ---- authentication and refusals --------------------------------------------------------------------------

    /**
     * Accepts anonymous clients (the listeners and marker publishers of these tests) and user "alice" with password
     * "secret"; refuses any other user with 0x86, and user "refuse-id" as a client identifier problem (0x85).
     */
    private static final Authenticator PASSWORDS = request -> CompletableFuture.supplyAsync(() -> {
        if (request.username() == null) {
            return AuthenticationResult.accept(null);
        }
        if ("refuse-id".equals(request.username())) {
            return AuthenticationResult.refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "identifier not allowed");
        }
        boolean alice = "alice".equals(request.username()) && request.password() != null
                && "secret".equals(new String(request.password(), StandardCharsets.UTF_8));
        return alice ? AuthenticationResult.accept("alice")
                : AuthenticationResult.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD, "wrong password");
    });

    @Test
    void authenticatorRefusingTheClientIdentifierSends0x85WithSessionPresent0AndCloses_MQTT_3_1_3_8() {
        broker = Broker.start(config(), PASSWORDS, Authorizer.ALLOW_ALL);
        WireConnection first = wire(MqttVersion.MQTT_5);
        first.connect(new Connect(MqttVersion.MQTT_5, "kept", true, 0, "alice", bytes("secret"), null,
                sessionExpiry(600)));
        first.send(new Disconnect(ReasonCode.NORMAL_DISCONNECTION, MqttProperties.EMPTY));
        first.awaitClosed();

        WireConnection refused = wire(MqttVersion.MQTT_5);
        ConnAck connAck = refused.connect(new Connect(MqttVersion.MQTT_5, "kept", false, 0, "refuse-id", null, null,
                sessionExpiry(600)));

        assertThat(connAck.reasonCode()).isEqualTo(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
        assertThat(connAck.sessionPresent()).isFalse();
        assertThat(refused.awaitClosed()).isEmpty();
        // The refusal touched nothing: the session is still there for its owner.
        WireConnection again = wire(MqttVersion.MQTT_5);
        assertThat(again.connect(new Connect(MqttVersion.MQTT_5, "kept", false, 0, "alice", bytes("secret"), null,
                sessionExpiry(600))).sessionPresent()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void authenticatorRefusalClosesTheConnectionAndAnAcceptedUserConnects_MQTT_3_1_4_2(MqttVersion version) {
        broker = Broker.start(config(), PASSWORDS, Authorizer.ALLOW_ALL);
        WireConnection raw = wire(version);
        ConnAck connAck = raw.connect(new Connect(version, "mallory", true, 0, "mallory", bytes("guess"), null,
                MqttProperties.EMPTY));
        // 5.0: 0x86; 3.1.1: return code 0x04, decoded as the same reason.
        assertThat(connAck.reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(raw.lastPacketSize()).as("CONNACK size: 4 bytes in 3.1.1, 5 in 5.0 without properties").isEqualTo(version.isV5() ? 5 : 4);
        assertThat(raw.awaitClosed()).isEmpty();

        if (version.isV5()) {
            assertThatThrownBy(() -> hive5(broker, "mallory5").connectWith().simpleAuth().username("mallory")
                    .password(bytes("guess")).applySimpleAuth().send())
                    .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(
                            e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
            Mqtt5BlockingClient alice = hive5(broker, "alice5");
            assertThat(alice.connectWith().simpleAuth().username("alice").password(bytes("secret")).applySimpleAuth()
                    .send().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
            alice.disconnect();
        } else {
            assertThatThrownBy(() -> hive3(broker, "mallory3").connectWith().simpleAuth().username("mallory")
                    .password(bytes("guess")).applySimpleAuth().send())
                    .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e -> assertThat(
                            e.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD));
            Mqtt3BlockingClient alice = hive3(broker, "alice3");
            assertThat(alice.connectWith().simpleAuth().username("alice").password(bytes("secret")).applySimpleAuth()
                    .send().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
            alice.disconnect();
        }
    }

    @Test
    void refusingConnAckHasSessionPresent0EvenWhenASessionExists_MQTT_3_2_2_6() {
        broker = Broker.start(config().withFeatures(features(1, true)));
        WireConnection first = wire(MqttVersion.MQTT_5);
        first.connectOk("present", true, sessionExpiry(600));
        first.send(new Disconnect(ReasonCode.NORMAL_DISCONNECTION, MqttProperties.EMPTY));
        first.awaitClosed();

        WireConnection refused = wire(MqttVersion.MQTT_5);
        ConnAck connAck = refused.connect(new Connect(MqttVersion.MQTT_5, "present", false, 0, null, null,
                new Will("will/present", bytes("qos 2"), QoS.EXACTLY_ONCE, false, MqttProperties.EMPTY),
                sessionExpiry(600)));

        assertThat(connAck.reasonCode()).isEqualTo(ReasonCode.QOS_NOT_SUPPORTED);
        assertThat(connAck.sessionPresent()).isFalse();
        assertThat(refused.awaitClosed()).isEmpty();
        assertThat(wire(MqttVersion.MQTT_5).connectOk("present", false, sessionExpiry(600)).sessionPresent())
                .as("the session the refusal did not report").isTrue();
    }

    // ---- nothing after a refused CONNECT is processed ---------------------------------------------------------

    private void assertPublishAfterRefusedConnectIsNotRouted(MqttVersion version, Connect refusedConnect,
                                                             ReasonCode expected) throws InterruptedException {
        Mqtt5BlockingClient.Mqtt5Publishes listener = listen("listener", "after-refusal/#");
        WireConnection client = wire(version);
        // CONNECT and PUBLISH in one write: the PUBLISH is on the broker's side before the refusal goes out.
        client.sendBytes(WireConnection.encode(refusedConnect, version), WireConnection.encode(
                WireConnection.publish("after-refusal/sneaked", QoS.AT_MOST_ONCE, 0, "must not be routed",
                        MqttProperties.EMPTY), version));

        List<MqttPacket> answer = client.awaitClosed();
        assertThat(answer).singleElement().isInstanceOfSatisfying(ConnAck.class,
                connAck -> assertThat(connAck.reasonCode()).isEqualTo(expected));
        publishMarker("after-refusal/marker");
        assertThat(next(listener).getTopic().toString()).isEqualTo("after-refusal/marker");
    }

    @Test
    void publishAfterAConnectRefusedByTheBrokersChecksIsNotProcessed_MQTT_3_1_4_6() throws InterruptedException {
        broker = Broker.start(config().withFeatures(features(1, true)));
        assertPublishAfterRefusedConnectIsNotRouted(MqttVersion.MQTT_5, new Connect(MqttVersion.MQTT_5, "greedy-will",
                        true, 0, null, null, new Will("will/greedy", bytes("qos 2"), QoS.EXACTLY_ONCE, false,
                        MqttProperties.EMPTY), MqttProperties.EMPTY),
                ReasonCode.QOS_NOT_SUPPORTED);
    }

    @Test
    void publishAfterAConnectRefusedByTheAuthenticatorIsNotProcessed_MQTT_3_1_4_6() throws InterruptedException {
        broker = Broker.start(config(), PASSWORDS, Authorizer.ALLOW_ALL);
        assertPublishAfterRefusedConnectIsNotRouted(MqttVersion.MQTT_5, new Connect(MqttVersion.MQTT_5, "intruder",
                true, 0, "mallory", bytes("guess"), null, MqttProperties.EMPTY), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void publishAfterARefused311ConnectIsNotProcessed_MQTT_3_1_4_5() throws InterruptedException {
        broker = Broker.start(config());
        // A zero-byte client identifier with CleanSession 0: return code 0x02 ([MQTT-3.1.3-8]).
        assertPublishAfterRefusedConnectIsNotRouted(MqttVersion.MQTT_3_1_1,
                WireConnection.connectPacket(MqttVersion.MQTT_3_1_1, "", false, MqttProperties.EMPTY),
                ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
    }

    // ---- session state while connected ------------------------------------------------------------------------

    @Test
    void sessionIsKeptWhileItsConnectionOutlastsTheSessionExpiry_MQTT_4_1_0_1() throws InterruptedException {
        broker = Broker.start(config());
        Mqtt5BlockingClient client = hive5(broker, "long-connected");
        client.connectWith().sessionExpiryInterval(1).send();
        clients.add(() -> {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        });
        Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL);
        clients.add(publishes);
        client.subscribeWith().topicFilter("alive/#").qos(MqttQos.AT_LEAST_ONCE).send();

        // Twice the session expiry passes on the broker's clock while the connection stays open.
        RuleSupport.letTheBrokerClockRun(broker, 2);

        publishMarker("alive/still");
        assertThat(next(publishes).getTopic().toString()).isEqualTo("alive/still");
        assertThat(client.getState().isConnected()).isTrue();
    }

    // ---- enhanced authentication ------------------------------------------------------------------------------

    @Test
    void clientWithoutAuthenticationMethodGetsNoMethodInConnAckAndNoAuth_MQTT_4_12_0_6() {
        broker = Broker.start(config(), Authenticator.ALLOW_ANONYMOUS, Authorizer.ALLOW_ALL,
                List.of(new ChallengeOnce("refused")));
        WireConnection client = wire(MqttVersion.MQTT_5);
        ConnAck connAck = client.connectOk("plain-auth", true, MqttProperties.EMPTY);

        assertThat(connAck.properties().authenticationMethod()).isNull();
        assertThat(connAck.properties().authenticationData()).isNull();
        List<MqttPacket> received = new ArrayList<>();
        client.subscribe(1, "plain/#", QoS.AT_LEAST_ONCE);
        client.send(WireConnection.publish("plain/t", QoS.AT_LEAST_ONCE, 1, "to myself", MqttProperties.EMPTY));
        received.add(client.receive());
        received.add(client.receive());
        received.addAll(client.pingAndCollect());
        assertThat(received).hasSize(2).noneMatch(Auth.class::isInstance)
                .anyMatch(Publish.class::isInstance);
    }

    @Test
    void packetOtherThanAuthDuringEnhancedAuthenticationGetsConnAck0x82_MQTT_3_1_2_30() {
        broker = Broker.start(config(), Authenticator.ALLOW_ANONYMOUS, Authorizer.ALLOW_ALL,
                List.of(new ChallengeOnce("refused")));
        WireConnection client = wire(MqttVersion.MQTT_5);
        client.send(new Connect(MqttVersion.MQTT_5, "impatient", true, 0, null, null, null,
                MqttProperties.builder().authenticationMethod(ChallengeOnce.METHOD).build()));
        assertThat(client.receive(Auth.class).reasonCode()).isEqualTo(ReasonCode.CONTINUE_AUTHENTICATION);

        client.send(PingReq.INSTANCE); // not AUTH: a Protocol Error before CONNACK

        assertThat(client.awaitClosed()).singleElement().isInstanceOfSatisfying(ConnAck.class,
                connAck -> assertThat(connAck.reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR));
        assertThat(broker.sessionCount()).as("sessions after a refused exchange").isZero();
    }
}
