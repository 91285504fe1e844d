package io.starling.loadtool.scenario;

import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.loadtool.client.ClientSettings;
import io.starling.loadtool.report.ReportField;
import io.starling.loadtool.report.RunReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A very short run of every scenario against an in-process Starling broker on 127.0.0.1 and an ephemeral port:
 * tiny counts (2 clients, 200 messages each; a counted run ends when they are through, within a 30 s cap). Each checks the counts the run reports against
 * what was sent, and that a run that loses messages says so.
 */
class ScenarioSmokeTest {
    private static final int MESSAGES = 200;
    private static final Duration COUNTED_RUN_CAP = Duration.ofSeconds(30);
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static Broker broker;

    @BeforeAll
    static void startBroker() {
        broker = Broker.start(BrokerConfig.DEFAULT.withListener("127.0.0.1", 0));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static RunSettings settings(MqttVersion version, int port, boolean expectNoLoss) {
        int run = RUNS.incrementAndGet();
        ClientSettings client = new ClientSettings("127.0.0.1", port, version, null, null, 60, Duration.ofSeconds(5),
                "smoke-" + run);
        return new RunSettings(client, 2, null, expectNoLoss, "smoke/" + run);
    }

    private static RunSettings settings(MqttVersion version) {
        return settings(version, broker.port(), true);
    }

    /** Closed loop, no warm-up, 200 messages per publisher, at most 2 s. */
    /**
     * Counted runs: they end when every message is sent and received, well inside the caps, which are only there to
     * bound a run that goes wrong - generous, because a loaded CI machine can take seconds for what takes
     * milliseconds here (a 2 s cap once cut a run at 440 of its 600 messages).
     */
    private static TrafficSettings traffic(QoS qos) {
        return new TrafficSettings(qos, 16, 0, 16, Duration.ZERO, COUNTED_RUN_CAP, MESSAGES, COUNTED_RUN_CAP);
    }


    static Stream<Arguments> versionsAndQos() {
        List<Arguments> cases = new ArrayList<>();
        for (MqttVersion version : List.of(MqttVersion.MQTT_3_1_1, MqttVersion.MQTT_5)) {
            for (QoS qos : QoS.values()) {
                cases.add(Arguments.of(version, qos));
            }
        }
        return cases.stream();
    }

    private static void assertExact(RunReport report, long expected) {
        assertThat(report.ok()).as(report.failure()).isTrue();
        assertThat(report.count(ReportField.EXPECTED)).isEqualTo(expected);
        assertThat(report.count(ReportField.RECEIVED)).isEqualTo(expected);
        assertThat(report.count(ReportField.LOST)).isZero();
        assertThat(report.count(ReportField.DUPLICATES)).isZero();
        assertThat(report.count(ReportField.UNEXPECTED)).isZero();
        assertThat(report.count(ReportField.RECEIVED_MEASURED)).isPositive().isLessThanOrEqualTo(expected);
        assertThat(report.number(ReportField.THROUGHPUT_PER_S)).isPositive();
        assertThat(report.count(ReportField.LATENCY_COUNT)).isPositive();
        assertThat(report.number(ReportField.TOOL_CPU_S)).isNotNegative();
    }

    @ParameterizedTest(name = "MQTT {0}, {1}")
    @MethodSource("versionsAndQos")
    void pointToPointDeliversEveryMessageOnce(MqttVersion version, QoS qos) {
        RunReport report = PubSubRun.run("p2p", settings(version), traffic(qos),
                Topology.pointToPoint("smoke/p2p-" + version + qos, 2));

        assertThat(report.count(ReportField.PUBLISHED)).isEqualTo(2 * MESSAGES);
        if (qos == QoS.AT_MOST_ONCE) {
            // QoS 0 may lose messages by design; the counts must still add up.
            assertThat(report.count(ReportField.RECEIVED) + report.count(ReportField.LOST)).isEqualTo(2 * MESSAGES);
            assertThat(report.count(ReportField.DUPLICATES)).isZero();
        } else {
            assertExact(report, 2 * MESSAGES);
            assertThat(report.count(ReportField.ACKNOWLEDGED)).isEqualTo(2 * MESSAGES);
            assertThat(report.count(ReportField.IN_FLIGHT_AT_END)).isZero();
            assertThat(report.count(ReportField.REORDERED)).as("one publisher, one subscriber: in order").isZero();
        }
    }

    @Test
    void fanOutDeliversEveryMessageToEverySubscriber() {
        RunReport report = PubSubRun.run("fan-out", settings(MqttVersion.MQTT_5), traffic(QoS.EXACTLY_ONCE),
                Topology.fanOut("smoke/fan-out", 2, 3, 2));

        assertExact(report, 2 * MESSAGES * 3);
    }

    @Test
    void fanInOnAWildcardDeliversEveryMessageToEachSubscriber() {
        RunReport report = PubSubRun.run("fan-in", settings(MqttVersion.MQTT_3_1_1), traffic(QoS.AT_LEAST_ONCE),
                Topology.fanIn("smoke/fan-in", 3, 2, false));

        assertExact(report, 3 * MESSAGES * 2);
    }

    @Test
    void fanInOnASharedSubscriptionDeliversEveryMessageOnceToTheGroup() {
        RunReport report = PubSubRun.run("fan-in-shared", settings(MqttVersion.MQTT_5), traffic(QoS.AT_LEAST_ONCE),
                Topology.fanIn("smoke/fan-in-shared", 3, 2, true));

        assertExact(report, 3 * MESSAGES);
        assertThat(report.get(ReportField.SUBSCRIPTION)).isEqualTo("$share/bench/smoke/fan-in-shared/fan-in/+");
    }

    @Test
    void latencyAtAFixedRateIsMeasuredForEveryMessage() {
        // 1000 msg/s over 2 publishers: 200 messages each take 0.4 s.
        TrafficSettings fixedRate = new TrafficSettings(QoS.AT_LEAST_ONCE, 64, 1000, 16, Duration.ZERO,
                COUNTED_RUN_CAP, MESSAGES, COUNTED_RUN_CAP);

        RunReport report = PubSubRun.run("latency", settings(MqttVersion.MQTT_5), fixedRate,
                Topology.pointToPoint("smoke/latency", 2));

        assertExact(report, 2 * MESSAGES);
        assertThat(report.get(ReportField.MODE)).isEqualTo("fixed-rate");
        assertThat(report.count(ReportField.LATENCY_COUNT)).isEqualTo(2 * MESSAGES);
        assertThat(report.number(ReportField.LATENCY_P50_US)).isPositive()
                .isLessThanOrEqualTo(report.number(ReportField.LATENCY_P99_US));
        assertThat(report.number(ReportField.LATENCY_MAX_US)).isLessThan(2_000_000);
        // The rate is kept: 400 messages at 1000/s take about 0.4 s, not much less.
        assertThat(report.number(ReportField.DURATION_S)).isGreaterThan(0.3);
    }

    @Test
    void subscriberLostMidRunIsReportedAsLoss() {
        // Unlimited messages for 1.5 s; one of the two subscribers vanishes as the measured interval begins.
        TrafficSettings endless = new TrafficSettings(QoS.AT_LEAST_ONCE, 16, 0, 16, Duration.ofMillis(200),
                Duration.ofMillis(1500), 0, Duration.ofSeconds(2));

        RunReport report = PubSubRun.run("p2p", settings(MqttVersion.MQTT_5), endless,
                Topology.pointToPoint("smoke/vanish", 2), subscribers -> subscribers.get(0).abort());

        assertThat(report.ok()).isFalse();
        assertThat(report.count(ReportField.LOST)).isPositive();
        assertThat(report.count(ReportField.RECEIVED) + report.count(ReportField.LOST))
                .isEqualTo(report.count(ReportField.EXPECTED));
        assertThat(report.failure()).contains("lost");
    }

    @Test
    void lossWithoutExpectNoLossIsReportedButTheRunIsNotFailedForIt() {
        TrafficSettings endless = new TrafficSettings(QoS.AT_LEAST_ONCE, 16, 0, 16, Duration.ofMillis(200),
                Duration.ofMillis(1000), 0, Duration.ofSeconds(2));

        RunReport report = PubSubRun.run("p2p", settings(MqttVersion.MQTT_5, broker.port(), false), endless,
                Topology.pointToPoint("smoke/vanish-tolerated", 2), subscribers -> subscribers.get(0).abort());

        assertThat(report.count(ReportField.LOST)).isPositive();
        assertThat(report.ok()).as(report.failure()).isTrue();
    }

    @Test
    void refusedConnectionFailsTheRun() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }

        RunReport report = PubSubRun.run("p2p", settings(MqttVersion.MQTT_5, closedPort, true),
                traffic(QoS.AT_LEAST_ONCE), Topology.pointToPoint("smoke/refused", 1));

        assertThat(report.ok()).isFalse();
        assertThat(report.failure()).contains("cannot connect to 127.0.0.1:" + closedPort);
    }

    @Test
    void connectionsAreOpenedCountedAndMeasured() {
        long pid = ProcessHandle.current().pid(); // the broker runs in this JVM

        RunReport report = ConnectionsRun.run(withPid(settings(MqttVersion.MQTT_5), pid),
                new ConnectionsRun.Settings(20, 200, 10, Duration.ZERO));

        assertThat(report.ok()).as(report.failure()).isTrue();
        assertThat(report.count(ReportField.CONNECTIONS_OPEN)).isEqualTo(20);
        assertThat(report.count(ReportField.CONNECTIONS_FAILED)).isZero();
        assertThat(report.number(ReportField.CONNECT_RATE_PER_S)).isPositive();
        assertThat(report.number(ReportField.CONNACK_P50_US)).isPositive();
        // 20 connections at 200/s take about 0.1 s.
        assertThat(report.number(ReportField.CONNECT_S)).isGreaterThan(0.08);
        assertThat(report.count(ReportField.BROKER_RSS_AFTER_BYTES)).isPositive();
        assertThat(report.get(ReportField.BROKER_BYTES_PER_CONNECTION)).isNotNull();
    }

    @Test
    void retainedMessagesReachANewSubscriberAndAreCleared() {
        RunSettings run = settings(MqttVersion.MQTT_3_1_1);
        RetainedRun.Settings retained = new RetainedRun.Settings(MESSAGES, 16, QoS.AT_LEAST_ONCE, QoS.AT_LEAST_ONCE,
                32, Duration.ofSeconds(10), true);

        RunReport report = RetainedRun.run(run, retained);

        assertThat(report.ok()).as(report.failure()).isTrue();
        assertThat(report.count(ReportField.RECEIVED)).isEqualTo(MESSAGES);
        assertThat(report.count(ReportField.LOST)).isZero();
        assertThat(report.count(ReportField.DUPLICATES)).isZero();
        assertThat(report.count(ReportField.RETAINED_FLAG_MISSING)).isZero();
        assertThat(report.count(ReportField.RETAINED_CLEARED)).isEqualTo(MESSAGES);
        assertThat(report.number(ReportField.RETAINED_DELIVERY_S)).isPositive();

        // Cleared: a second run on the same topics finds only its own messages, none left from the first.
        RunReport again = RetainedRun.run(run, new RetainedRun.Settings(MESSAGES / 2, 16, QoS.EXACTLY_ONCE,
                QoS.EXACTLY_ONCE, 32, Duration.ofSeconds(10), true));
        assertThat(again.ok()).as(again.failure()).isTrue();
        assertThat(again.count(ReportField.RECEIVED)).isEqualTo(MESSAGES / 2);
        assertThat(again.count(ReportField.UNEXPECTED)).isZero();
    }

    private static RunSettings withPid(RunSettings run, long pid) {
        return new RunSettings(run.client(), run.threads(), pid, run.expectNoLoss(), run.topicPrefix());
    }
}
