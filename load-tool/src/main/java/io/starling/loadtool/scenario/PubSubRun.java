package io.starling.loadtool.scenario;

import io.starling.codec.MqttVersion;
import io.starling.loadtool.check.DeliveryCounts;
import io.starling.loadtool.check.StreamCheck;
import io.starling.loadtool.client.BenchException;
import io.starling.loadtool.client.ClientConnection;
import io.starling.loadtool.client.ClientGroup;
import io.starling.loadtool.client.MeasurementWindow;
import io.starling.loadtool.client.PublisherConnection;
import io.starling.loadtool.client.SubscriberConnection;
import io.starling.loadtool.report.BrokerProcess;
import io.starling.loadtool.report.LatencySummary;
import io.starling.loadtool.report.ProcFs;
import io.starling.loadtool.report.ReportField;
import io.starling.loadtool.report.RunReport;
import io.starling.loadtool.report.ToolCpu;
import io.starling.loadtool.wire.PublishTemplate;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A publish/subscribe run over a {@link Topology}: point-to-point, fan-out, fan-in and latency are this run with
 * different topologies and pacing. The phases:
 * <ol>
 *   <li>subscribers connect and subscribe (all SUBACKs in), then publishers connect;</li>
 *   <li>publishers start; warm-up; the measured interval (CPU of the tool and of the broker read at both ends);</li>
 *   <li>publishers stop; the drain waits, bounded, until every QoS 1/2 flow is complete and every expected
 *       delivery arrived, or until nothing more arrives for a second;</li>
 *   <li>the counts: deliveries expected from what was actually published, received, lost, duplicated, out of
 *       order, unexpected. Throughput counts only deliveries received inside the measured interval.</li>
 * </ol>
 * Any connection failure ends the traffic early and fails the run, but the counts are still reported.
 */
public final class PubSubRun {
    private static final Duration QUIET = Duration.ofSeconds(1);
    private static final Duration STATS_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DISCONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final RunSettings run;
    private final TrafficSettings traffic;
    private final Topology topology;
    private final ClientGroup group;
    private final RunReport.Builder report;
    private final MeasurementWindow window = new MeasurementWindow();
    private final List<StreamCheck> checks = new ArrayList<>();
    private final List<SubscriberConnection> subscribers = new ArrayList<>();
    private final List<PublisherConnection> publishers = new ArrayList<>();
    private final List<ClientConnection> all = new ArrayList<>();
    private final Consumer<List<SubscriberConnection>> duringMeasurement;

    private PubSubRun(RunSettings run, TrafficSettings traffic, Topology topology, ClientGroup group,
                      RunReport.Builder report, Consumer<List<SubscriberConnection>> duringMeasurement) {
        this.run = run;
        this.traffic = traffic;
        this.topology = topology;
        this.group = group;
        this.report = report;
        this.duringMeasurement = duringMeasurement;
    }

    public static RunReport run(String scenario, RunSettings run, TrafficSettings traffic, Topology topology) {
        return run(scenario, run, traffic, topology, subscribers -> { });
    }

    /**
     * As {@link #run(String, RunSettings, TrafficSettings, Topology)}, calling {@code duringMeasurement} with the
     * subscribers once the measured interval has begun: tests use it to make a subscriber vanish mid-run.
     */
    public static RunReport run(String scenario, RunSettings run, TrafficSettings traffic, Topology topology,
                                Consumer<List<SubscriberConnection>> duringMeasurement) {
        RunReport.Builder report = RunReport.builder(scenario);
        describe(report, run, traffic, topology);
        try (ClientGroup group = new ClientGroup(run.threads())) {
            report.set(ReportField.TRANSPORT, group.transport());
            new PubSubRun(run, traffic, topology, group, report, duringMeasurement).execute();
        } catch (BenchException | IllegalStateException e) {
            report.fail(e.getMessage());
        }
        return report.build();
    }

    private static void describe(RunReport.Builder report, RunSettings run, TrafficSettings traffic,
                                 Topology topology) {
        report.set(ReportField.TARGET, run.client().target())
                .set(ReportField.PROTOCOL, versionLabel(run.client().version()))
                .set(ReportField.QOS, traffic.qos().value())
                .set(ReportField.PAYLOAD_BYTES, traffic.payloadSize())
                .set(ReportField.PUBLISHERS, topology.publishers().size())
                .set(ReportField.SUBSCRIBERS, topology.subscribers().size())
                .set(ReportField.TOPICS, topology.topics())
                .set(ReportField.SUBSCRIPTION, topology.subscription())
                .set(ReportField.MODE, traffic.closedLoop() ? "closed-loop" : "fixed-rate")
                .set(ReportField.WINDOW, traffic.qos().value() > 0 ? traffic.window() : null)
                .set(ReportField.RATE_TARGET_PER_S, traffic.closedLoop() ? null : traffic.ratePerSecond())
                .set(ReportField.THREADS, run.threads())
                .set(ReportField.WARMUP_S, seconds(traffic.warmup()))
                .set(ReportField.BROKER_PID, run.brokerPid());
    }

    static String versionLabel(MqttVersion version) {
        return switch (version) {
            case MQTT_3_1 -> "3.1";
            case MQTT_3_1_1 -> "3.1.1";
            case MQTT_5 -> "5";
        };
    }

    static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    /** Time to wait for n connections to be ready: the connect timeout, plus a second per thousand. */
    static Duration readyTimeout(Duration connectTimeout, int connections) {
        return connectTimeout.plusSeconds(connections / 1000);
    }

    private void execute() {
        try {
            connect();
            measure();
        } finally {
            Waiting.disconnectAll(all, DISCONNECT_TIMEOUT);
        }
    }

    private void connect() {
        int publisherCount = topology.publishers().size();
        for (List<Integer> expected : topology.receivers()) {
            checks.add(new StreamCheck(publisherCount, expected));
        }
        List<Topology.Subscriber> subscriberSpecs = topology.subscribers();
        for (int i = 0; i < subscriberSpecs.size(); i++) {
            Topology.Subscriber spec = subscriberSpecs.get(i);
            SubscriberConnection subscriber = new SubscriberConnection(run.client(), run.clientId("s", i),
                    group.loop(i), spec.filters(), traffic.qos(), checks.get(spec.receiver()), window, true);
            subscribers.add(subscriber);
            all.add(subscriber);
            group.connect(subscriber);
        }
        Waiting.ready(subscribers, readyTimeout(run.client().connectTimeout(), subscribers.size()),
                "subscribers");

        Map<String, PublishTemplate> templates = new HashMap<>();
        PublisherConnection.Pacing pacing = new PublisherConnection.Pacing(
                traffic.ratePerSecond() / publisherCount, traffic.window());
        long limit = traffic.messagesPerPublisher() == 0 ? Long.MAX_VALUE : traffic.messagesPerPublisher();
        for (int i = 0; i < publisherCount; i++) {
            String topic = topology.publishers().get(i).topic();
            PublishTemplate template = templates.computeIfAbsent(topic, t -> PublishTemplate.of(
                    run.client().version(), t, traffic.qos(), false, traffic.payloadSize()));
            // Offset by the subscribers, so that publishers and subscribers spread over the loops together.
            PublisherConnection publisher = new PublisherConnection(run.client(), run.clientId("p", i),
                    group.loop(i + subscribers.size()), i, template, pacing, limit, window);
            publishers.add(publisher);
            all.add(publisher);
            group.connect(publisher);
        }
        Waiting.ready(publishers, readyTimeout(run.client().connectTimeout(), publishers.size()),
                "publishers");
    }

    private void measure() {
        BrokerProcess broker = BrokerProcess.of(run.brokerPid());
        broker.sample(); // fails now, before any traffic, if the PID names no process
        boolean warmup = !traffic.warmup().isZero();
        if (warmup) {
            publishers.forEach(PublisherConnection::start);
            Waiting.during(traffic.warmup(), all, this::allDelivered);
        }
        // Without warm-up the window opens before the first message, so that every message counts.
        long start = System.nanoTime();
        window.begin(start);
        double toolCpuStart = ToolCpu.seconds();
        ProcFs.Sample brokerStart = broker.sample();
        if (!warmup) {
            publishers.forEach(PublisherConnection::start);
        }
        duringMeasurement.accept(List.copyOf(subscribers));
        Waiting.during(traffic.duration(), all, this::allDelivered);
        long end = System.nanoTime();
        window.end(end);
        double toolCpu = ToolCpu.seconds() - toolCpuStart;
        ProcFs.Sample brokerEnd = broker.sample();

        String failure = Waiting.firstFailure(all);
        if (failure != null) {
            report.fail(failure);
        }
        publishers.forEach(PublisherConnection::stop);
        long[] published = drain();
        summarize(published, (end - start) / 1e9, toolCpu, brokerStart, brokerEnd);
    }

    /**
     * With a message limit: whether every publisher sent all its messages, saw every flow complete, and every
     * delivery arrived, so that the measured interval can end before the duration. Never true without a limit.
     */
    private boolean allDelivered() {
        if (traffic.messagesPerPublisher() == 0
                || !publishers.stream().allMatch(p -> p.doneSending() && p.settled())) {
            return false;
        }
        long[] published = new long[publishers.size()];
        Arrays.fill(published, traffic.messagesPerPublisher());
        long expected = checks.stream().mapToLong(check -> check.expected(published)).sum();
        return checks.stream().mapToLong(StreamCheck::received).sum() >= expected;
    }

    /**
     * Waits for the end of the traffic: every publisher stopped (its count is final), then every QoS 1/2 flow
     * complete and every expected delivery in, or a quiet second with nothing new, or the drain timeout.
     *
     * @return messages published, by publisher number
     */
    private long[] drain() {
        Waiting.until(() -> publishers.stream().allMatch(p -> p.doneSending() || p.closed().isDone()),
                Duration.ofSeconds(5));
        long[] published = new long[publishers.size()];
        for (PublisherConnection publisher : publishers) {
            published[publisher.number()] = get(publisher.stats()).published();
        }
        long expected = checks.stream().mapToLong(check -> check.expected(published)).sum();
        long[] lastReceived = {-1};
        long[] lastProgress = {System.nanoTime()};
        Waiting.until(() -> {
            boolean flowsComplete = publishers.stream().allMatch(p -> p.settled() || p.closed().isDone());
            long received = checks.stream().mapToLong(StreamCheck::received).sum();
            long now = System.nanoTime();
            if (received != lastReceived[0]) {
                lastReceived[0] = received;
                lastProgress[0] = now;
            }
            boolean quiet = now - lastProgress[0] > QUIET.toNanos();
            return flowsComplete && (received >= expected || quiet);
        }, traffic.drainTimeout());
        return published;
    }

    private void summarize(long[] published, double measuredSeconds, double toolCpu, ProcFs.Sample brokerStart,
                           ProcFs.Sample brokerEnd) {
        long publishedTotal = 0;
        long publishedMeasured = 0;
        long acknowledged = 0;
        long rejected = 0;
        long inFlight = 0;
        String firstRejection = null;
        for (PublisherConnection publisher : publishers) {
            PublisherConnection.Stats stats = get(publisher.stats());
            publishedTotal += stats.published();
            publishedMeasured += stats.publishedMeasured();
            acknowledged += stats.acknowledged();
            rejected += stats.rejected();
            inFlight += stats.inFlight();
            if (firstRejection == null) {
                firstRejection = stats.firstRejection();
            }
        }
        long receivedMeasured = 0;
        for (SubscriberConnection subscriber : subscribers) {
            receivedMeasured += get(subscriber.stats()).receivedMeasured();
        }
        DeliveryCounts counts = DeliveryCounts.NONE;
        for (StreamCheck check : checks) {
            counts = counts.plus(check.counts(published));
        }
        Histogram latency = LatencySummary.newHistogram();
        for (Histogram perLoop : group.onEachLoop(loop -> loop.latency().copy(), STATS_TIMEOUT)) {
            latency.add(perLoop);
        }

        report.set(ReportField.DURATION_S, measuredSeconds)
                .set(ReportField.PUBLISHED, publishedTotal)
                .set(ReportField.PUBLISHED_MEASURED, publishedMeasured)
                .ratio(ReportField.PUBLISH_RATE_PER_S, publishedMeasured, measuredSeconds)
                .set(ReportField.ACKNOWLEDGED, traffic.qos().value() > 0 ? acknowledged : null)
                .set(ReportField.REJECTED, traffic.qos().value() > 0 ? rejected : null)
                .set(ReportField.IN_FLIGHT_AT_END, traffic.qos().value() > 0 ? inFlight : null)
                .set(ReportField.EXPECTED, counts.expected())
                .set(ReportField.RECEIVED, counts.received())
                .set(ReportField.RECEIVED_MEASURED, receivedMeasured)
                .ratio(ReportField.THROUGHPUT_PER_S, receivedMeasured, measuredSeconds)
                .set(ReportField.LOST, counts.lost())
                .set(ReportField.DUPLICATES, counts.duplicates())
                .set(ReportField.REORDERED, counts.reordered())
                .set(ReportField.UNEXPECTED, counts.unexpected())
                .latency(LatencySummary.of(latency))
                .set(ReportField.TOOL_CPU_S, toolCpu)
                .ratio(ReportField.TOOL_CPU_US_PER_MSG, toolCpu * 1e6, receivedMeasured);
        if (brokerStart != null && brokerEnd != null) {
            double brokerCpu = brokerEnd.cpuSeconds() - brokerStart.cpuSeconds();
            report.set(ReportField.BROKER_CPU_S, brokerCpu)
                    .ratio(ReportField.BROKER_CPU_US_PER_MSG, brokerCpu * 1e6, receivedMeasured)
                    .set(ReportField.BROKER_RSS_BEFORE_BYTES, brokerStart.rssBytes())
                    .set(ReportField.BROKER_RSS_AFTER_BYTES, brokerEnd.rssBytes());
        }
        judge(counts, rejected, firstRejection, inFlight, receivedMeasured);
    }

    private void judge(DeliveryCounts counts, long rejected, String firstRejection, long inFlight,
                       long receivedMeasured) {
        String failure = Waiting.firstFailure(all);
        if (failure != null) {
            report.fail(failure);
        }
        if (rejected > 0) {
            report.fail("the broker refused " + rejected + " PUBLISH (first reason code " + firstRejection + ")");
        }
        if (counts.unexpected() > 0) {
            report.fail(counts.unexpected() + " deliveries were not sent to their receiver (wrong topic, publisher "
                    + "or sequence number)");
        }
        if (run.expectNoLoss() && counts.lost() > 0) {
            report.fail(counts.lost() + " of " + counts.expected() + " deliveries lost (--expect-no-loss)");
        }
        if (run.expectNoLoss() && inFlight > 0) {
            report.fail(inFlight + " QoS " + traffic.qos().value() + " flows still incomplete after the drain "
                    + "(--expect-no-loss)");
        }
        if (receivedMeasured == 0) {
            report.fail("no message was received in the measured interval" + (traffic.messagesPerPublisher() > 0
                    ? " (with --messages, were they all delivered during the warm-up? try --warmup 0)" : ""));
        }
    }

    static <T> T get(Future<T> future) {
        try {
            return future.get(STATS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted", e);
        } catch (ExecutionException e) {
            throw new BenchException("reading the tool's counters failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new BenchException("the tool's event loops did not answer within " + STATS_TIMEOUT.toMillis()
                    + " ms");
        }
    }
}
