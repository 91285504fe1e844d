package io.starling.interop;

import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interoperability matrix: one scenario, the same for every client library at every protocol version it
 * speaks, against one embedded Starling. Each step is a test method, so each cell of the matrix passes or fails
 * on its own ({@link MatrixReport} writes the matrix to target/interop/matrix.md).
 *
 * <p>The client under test is checked in both directions wherever the step has two: as subscriber, with the
 * reference peer (HiveMQ MQTT Client, MQTT 5.0, in process) publishing, and as publisher, with the reference
 * subscribed. A client's publishing connection and its subscribing connection are separate connections, because
 * mosquitto_pub and mosquitto_sub are separate programs.
 */
@ExtendWith(MatrixReport.class)
class InteropTest {
    private static final String HOST = "127.0.0.1";
    /** Long enough to outlive the test; the test ends each persistent session itself. */
    private static final long SESSION_EXPIRY_SECONDS = 300;

    private static Broker broker;
    private static ClientDriver reference;

    private final Deque<Connection> connections = new ArrayDeque<>();
    private int sessionsAtStart;

    static {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
        Awaitility.setDefaultPollDelay(Duration.ZERO);
        Awaitility.setDefaultTimeout(Timeouts.WAIT);
    }

    @BeforeAll
    static void startBroker() {
        broker = Broker.start(BrokerConfig.DEFAULT.withListener(HOST, 0));
        reference = new HiveMqDriver(HOST, broker.port(), MqttVersion.V5);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    static List<Target> targets() {
        return Target.all();
    }

    @BeforeEach
    void countSessions() {
        sessionsAtStart = broker.sessionCount();
    }

    @AfterEach
    void closeConnections() {
        while (!connections.isEmpty()) {
            connections.pop().close();
        }
        // Let the broker finish with the connections just closed, so the next test starts from a quiet broker.
        try {
            Awaitility.await("sessions of this test ended").atMost(Timeouts.WAIT)
                    .until(() -> broker.sessionCount() <= sessionsAtStart);
        } catch (ConditionTimeoutException leftOver) {
            // a failed session step may leave its persistent session behind; the next test counts from there
        }
    }

    private Connection open(Target target, ConnectSpec spec) {
        Connection connection = target.client().driver(target.version(), HOST, broker.port()).connect(spec);
        connections.push(connection);
        return connection;
    }

    /** Connects, subscribes if asked, and leaves at once with a normal DISCONNECT. */
    private Connection openAndLeave(Target target, ConnectSpec spec) {
        Connection connection = target.client().driver(target.version(), HOST, broker.port()).connectAndLeave(spec);
        connections.push(connection);
        return connection;
    }

    private Connection openReference(ConnectSpec spec) {
        Connection connection = reference.connect(spec);
        connections.push(connection);
        return connection;
    }

    // ---- 1. connect ----------------------------------------------------------------------------------------

    /**
     * Connect with a clean session and disconnect. CONNACK accepts with Session Present 0 [MQTT-3.2.2-1]; the
     * broker holds the session while connected and drops it at DISCONNECT [MQTT-3.1.2-6].
     */
    @Step.Column(Step.CONNECT)
    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void connectWithCleanSession_MQTT_3_2_2_1(Target target) {
        int before = broker.sessionCount();

        Connection client = open(target, ConnectSpec.clean(target.clientId("conn", "c")));

        assertThat(client.sessionPresent()).as("Session Present in CONNACK").isIn(Optional.empty(), Optional.of(false));
        Awaitility.await("broker holds the session of " + client.describe())
                .until(() -> broker.sessionCount() == before + 1);

        client.disconnect();

        Awaitility.await("broker dropped the clean session of " + client.describe())
                .until(() -> broker.sessionCount() == before);
    }

    // ---- 2. wildcards --------------------------------------------------------------------------------------

    /**
     * Subscribe with '+' and '#' [MQTT-4.7.1-2, MQTT-4.7.1-3]: the client gets what matches, including the parent
     * level of '#', and nothing else; the SUBACK grants the QoS asked for.
     */
    @Step.Column(Step.WILDCARDS)
    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void subscribeWithWildcards_MQTT_4_7_1_2_and_4_7_1_3(Target target) {
        String base = target.topicBase("wild");
        Connection client = open(target, ConnectSpec.clean(target.clientId("wild", "sub"))
                .subscribe(1, base + "/+/temp", base + "/hall/#"));
        assertThat(client.grantedQos()).as("SUBACK of " + client.describe()).containsExactly(1, 1);
        Connection publisher = openReference(ConnectSpec.clean(target.clientId("wild", "ref")));

        // Non-matching topics first: when the matching ones have all arrived, a wrong match would have too.
        publisher.publish(base + "/kitchen/humidity", "no: + matches one level, not the last one", 1, false);
        publisher.publish(base + "/kitchen/temp/max", "no: + is exactly one level", 1, false);
        publisher.publish(base + "/hallway", "no: # starts a level", 1, false);
        publisher.publish(base + "/kitchen/temp", "yes: + ✓", 1, false);
        publisher.publish(base + "/hall", "yes: # includes the parent level ✓", 1, false);
        publisher.publish(base + "/hall/lamp/on", "yes: # spans levels ✓", 1, false);

        client.inbox().awaitCount(3);
        assertThat(client.inbox().messages()).as(client.describe() + " received")
                .containsExactlyInAnyOrder(
                        new Message(base + "/kitchen/temp", "yes: + ✓", 1, false),
                        new Message(base + "/hall", "yes: # includes the parent level ✓", 1, false),
                        new Message(base + "/hall/lamp/on", "yes: # spans levels ✓", 1, false));
    }

    // ---- 3. QoS 0, 1, 2 --------------------------------------------------------------------------------------

    /** QoS 0 both ways: at most once [MQTT-4.3.1]; received at QoS 0 on a QoS 2 subscription [MQTT-3.8.4-6]. */
    @Step.Column(Step.QOS_0)
    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void publishAndReceiveAtQos0_MQTT_4_3_1(Target target) {
        exchangeAtQos(target, 0);
    }

    /** QoS 1 both ways: PUBLISH/PUBACK [MQTT-4.3.2-1, MQTT-4.3.2-2]. */
    @Step.Column(Step.QOS_1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void publishAndReceiveAtQos1_MQTT_4_3_2(Target target) {
        exchangeAtQos(target, 1);
    }

    /** QoS 2 both ways: PUBLISH/PUBREC/PUBREL/PUBCOMP, delivered exactly once [MQTT-4.3.3-1, MQTT-4.3.3-2]. */
    @Step.Column(Step.QOS_2)
    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void publishAndReceiveAtQos2_MQTT_4_3_3(Target target) {
        exchangeAtQos(target, 2);
    }

    /**
     * The client receives a message the reference publishes at {@code qos}, and the reference receives one the
     * client publishes at {@code qos}; both subscriptions are QoS 2, so each arrives at the QoS it was sent
     * with. A QoS 0 end marker follows each message, and both must arrive once: a duplicate sent before the
     * marker would show. In any order: a client may hand a QoS 2 message to the application only when PUBREL
     * arrives (method A of the QoS 2 flow, MQTT 3.1.1 section 4.3.3; MQTT.js does), after a later QoS 0 one,
     * and ordering is only promised within one QoS [MQTT-4.6.0-6].
     */
    private void exchangeAtQos(Target target, int qos) {
        String step = "q" + qos;
        String base = target.topicBase(step);
        Connection clientSubscriber = open(target, ConnectSpec.clean(target.clientId(step, "sub"))
                .subscribe(2, base + "/to-client"));
        assertThat(clientSubscriber.grantedQos()).as("SUBACK of " + clientSubscriber.describe()).containsExactly(2);
        Connection referenceSubscriber = openReference(ConnectSpec.clean(target.clientId(step, "rsub"))
                .subscribe(2, base + "/from-client"));
        Connection clientPublisher = open(target, ConnectSpec.clean(target.clientId(step, "pub")));
        Connection referencePublisher = openReference(ConnectSpec.clean(target.clientId(step, "rpub")));

        String toClient = "QoS " + qos + " to " + target + " – ✓";
        referencePublisher.publish(base + "/to-client", toClient, qos, false);
        referencePublisher.publish(base + "/to-client", "end", 0, false);
        String fromClient = "QoS " + qos + " from " + target + " – ✓";
        clientPublisher.publish(base + "/from-client", fromClient, qos, false);
        clientPublisher.publish(base + "/from-client", "end", 0, false);

        clientSubscriber.inbox().awaitCount(2);
        assertThat(clientSubscriber.inbox().messages()).as(clientSubscriber.describe() + " received")
                .containsExactlyInAnyOrder(new Message(base + "/to-client", toClient, qos, false),
                        new Message(base + "/to-client", "end", 0, false));
        referenceSubscriber.inbox().awaitCount(2);
        assertThat(referenceSubscriber.inbox().messages()).as("the reference received from " + target)
                .containsExactlyInAnyOrder(new Message(base + "/from-client", fromClient, qos, false),
                        new Message(base + "/from-client", "end", 0, false));
    }

    // ---- 4. retained -----------------------------------------------------------------------------------------

    /**
     * Retained messages both ways [MQTT-3.3.1-5, MQTT-3.3.1-6]: a new subscription gets the stored message with
     * RETAIN 1 [MQTT-3.3.1-8]; a subscription that already existed gets it live with RETAIN 0 [MQTT-3.3.1-9].
     */
    @Step.Column(Step.RETAINED)
    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void retainedMessages_MQTT_3_3_1_6_and_3_3_1_8_and_3_3_1_9(Target target) {
        String base = target.topicBase("ret");

        // The client publishes a retained message; a later reference subscription receives it.
        Connection clientPublisher = open(target, ConnectSpec.clean(target.clientId("ret", "pub")));
        String fromClient = "retained by " + target + " ✓";
        clientPublisher.publish(base + "/from-client", fromClient, 1, true);
        Connection lateReference = openReference(ConnectSpec.clean(target.clientId("ret", "rsub"))
                .subscribe(1, base + "/from-client"));
        assertThat(lateReference.inbox().awaitCount(1)).as("a new reference subscription received")
                .containsExactly(new Message(base + "/from-client", fromClient, 1, true));

        // The reference publishes a retained message: live to a client already subscribed, stored for a new one.
        Connection liveClient = open(target, ConnectSpec.clean(target.clientId("ret", "live"))
                .subscribe(1, base + "/to-client"));
        Connection referencePublisher = openReference(ConnectSpec.clean(target.clientId("ret", "rpub")));
        String toClient = "retained for " + target + " ✓";
        referencePublisher.publish(base + "/to-client", toClient, 1, true);
        assertThat(liveClient.inbox().awaitCount(1)).as(liveClient.describe() + ", subscribed before, received")
                .containsExactly(new Message(base + "/to-client", toClient, 1, false));
        Connection lateClient = open(target, ConnectSpec.clean(target.clientId("ret", "late"))
                .subscribe(1, base + "/to-client"));
        assertThat(lateClient.inbox().awaitCount(1)).as(lateClient.describe() + ", subscribed after, received")
                .containsExactly(new Message(base + "/to-client", toClient, 1, true));
    }

    // ---- 5. will ---------------------------------------------------------------------------------------------

    /**
     * A client that loses its connection has its will published [MQTT-3.1.2-8]; one that leaves with a normal
     * DISCONNECT has its will discarded [MQTT-3.1.2-10; in 5.0 MQTT-3.14.4-3 for reason code 0x00]. The polite
     * one goes first: had its will been published, it would be there before the other.
     */
    @Step.Column(Step.WILL)
    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void willOnLostConnectionOnly_MQTT_3_1_2_8_and_3_1_2_10(Target target) {
        String base = target.topicBase("will");
        Connection watcher = openReference(ConnectSpec.clean(target.clientId("will", "ref")).subscribe(1, base + "/#"));

        openAndLeave(target, ConnectSpec.clean(target.clientId("will", "polite"))
                .withWill(new Will(base + "/polite", "must not be published", 1, false)));

        String lastWords = target + " went away ✝";
        Connection crashing = open(target, ConnectSpec.clean(target.clientId("will", "crash"))
                .withWill(new Will(base + "/crashed", lastWords, 1, false)));
        crashing.crash();

        watcher.inbox().awaitCount(1);
        assertThat(watcher.inbox().messages()).as("the reference, subscribed to " + base + "/#, received")
                .containsExactly(new Message(base + "/crashed", lastWords, 1, false));
    }

    // ---- 6. persistent session resume --------------------------------------------------------------------------

    /**
     * A persistent session (Clean Session 0; in 5.0 Clean Start 0 with a Session Expiry Interval) keeps the
     * subscription and the QoS 1 messages published while the client is away [MQTT-3.1.2-4, MQTT-3.1.2-5]; on
     * reconnection CONNACK says Session Present 1 [MQTT-3.2.2-2] and the queued message arrives without a new
     * SUBSCRIBE. mosquitto_sub subscribes again (it cannot do otherwise, to a filter that does not match here)
     * and does not show Session Present.
     */
    @Step.Column(Step.SESSION)
    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void persistentSessionResumes_MQTT_3_1_2_4_and_3_1_2_5_and_3_2_2_2(Target target) {
        String base = target.topicBase("sess");
        String clientId = target.clientId("sess", "c");

        Connection first = openAndLeave(target, ConnectSpec.persistent(clientId, SESSION_EXPIRY_SECONDS)
                .subscribe(1, base + "/#"));
        assertThat(first.sessionPresent()).as("Session Present for a new session").isIn(Optional.empty(),
                Optional.of(false));
        assertThat(first.grantedQos()).as("SUBACK of " + first.describe()).containsExactly(1);

        Connection publisher = openReference(ConnectSpec.clean(target.clientId("sess", "ref")));
        String whileAway = "queued for " + target + " ✓";
        publisher.publish(base + "/while-away", whileAway, 1, false);

        Connection second = open(target, ConnectSpec.persistent(clientId, SESSION_EXPIRY_SECONDS));
        assertThat(second.sessionPresent()).as("Session Present on resumption").isIn(Optional.empty(),
                Optional.of(true));
        assertThat(second.inbox().awaitCount(1)).as(second.describe() + " received after resuming")
                .containsExactly(new Message(base + "/while-away", whileAway, 1, false));
        second.disconnect();

        // End the session: the reference takes over the identifier with a clean session and leaves.
        openReference(ConnectSpec.clean(clientId)).disconnect();
    }
}
