package io.starling.loadtool.scenario;

import io.starling.codec.QoS;
import io.starling.loadtool.check.DeliveryCounts;
import io.starling.loadtool.check.RetainedCheck;
import io.starling.loadtool.client.BenchException;
import io.starling.loadtool.client.ClientConnection;
import io.starling.loadtool.client.ClientGroup;
import io.starling.loadtool.client.MeasurementWindow;
import io.starling.loadtool.client.PublisherConnection;
import io.starling.loadtool.client.SubscriberConnection;
import io.starling.loadtool.report.BrokerProcess;
import io.starling.loadtool.report.ProcFs;
import io.starling.loadtool.report.ReportField;
import io.starling.loadtool.report.RunReport;
import io.starling.loadtool.report.ToolCpu;
import io.starling.loadtool.wire.PayloadStamp;
import io.starling.loadtool.wire.TopicPerMessage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores R retained messages on distinct topics {@code <prefix>/retained/<i>} (one publisher, closed loop, QoS 1
 * or 2 so that the broker has acknowledged each before the clock starts), then times a new subscriber to
 * {@code <prefix>/retained/#}: from its SUBSCRIBE to the last of the R messages. Each must arrive once, with the
 * RETAIN flag. Afterwards, optionally, clears them with empty retained messages (MQTT 3.1.1 [MQTT-3.3.1-10]).
 */
public final class RetainedRun {
    private static final Duration DISCONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration QUIET = Duration.ofSeconds(2);

    /**
     * @param count        retained messages to store
     * @param payloadSize  their payload bytes, at least {@link PayloadStamp#SIZE}
     * @param storeQos     QoS of the storing PUBLISHes, 1 or 2
     * @param subscribeQos QoS of the timed subscription
     * @param window       storing PUBLISHes in flight
     * @param timeout      how long storing, delivering and clearing may each take
     * @param clear        whether to clear the retained messages afterwards
     */
    public record Settings(int count, int payloadSize, QoS storeQos, QoS subscribeQos, int window, Duration timeout,
                           boolean clear) {
        public Settings {
            if (count < 1) {
                throw new IllegalArgumentException("retained count must be at least 1: " + count);
            }
            if (payloadSize < PayloadStamp.SIZE) {
                throw new IllegalArgumentException("payload must be at least " + PayloadStamp.SIZE + " bytes");
            }
            if (storeQos == QoS.AT_MOST_ONCE) {
                throw new IllegalArgumentException("retained messages are stored at QoS 1 or 2, so that the broker "
                        + "acknowledges each before the subscriber is timed");
            }
            if (window < 1 || window > 65535) {
                throw new IllegalArgumentException("window must be 1..65535: " + window);
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
        }
    }

    private RetainedRun() {
    }

    public static RunReport run(RunSettings run, Settings settings) {
        RunReport.Builder report = RunReport.builder("retained");
        String topicPrefix = run.topicPrefix() + "/retained/";
        report.set(ReportField.TARGET, run.client().target())
                .set(ReportField.PROTOCOL, PubSubRun.versionLabel(run.client().version()))
                .set(ReportField.QOS, settings.subscribeQos().value())
                .set(ReportField.PAYLOAD_BYTES, settings.payloadSize())
                .set(ReportField.PUBLISHERS, 1)
                .set(ReportField.SUBSCRIBERS, 1)
                .set(ReportField.TOPICS, settings.count())
                .set(ReportField.SUBSCRIPTION, topicPrefix + "#")
                .set(ReportField.WINDOW, settings.window())
                .set(ReportField.THREADS, run.threads())
                .set(ReportField.RETAINED, settings.count())
                .set(ReportField.BROKER_PID, run.brokerPid());
        List<ClientConnection> all = new ArrayList<>();
        try (ClientGroup group = new ClientGroup(run.threads())) {
            report.set(ReportField.TRANSPORT, group.transport());
            try {
                execute(run, settings, topicPrefix, group, all, report);
            } finally {
                Waiting.disconnectAll(all, DISCONNECT_TIMEOUT);
            }
        } catch (BenchException | IllegalStateException e) {
            report.fail(e.getMessage());
        }
        return report.build();
    }

    private static void execute(RunSettings run, Settings settings, String topicPrefix, ClientGroup group,
                                List<ClientConnection> all, RunReport.Builder report) {
        BrokerProcess broker = BrokerProcess.of(run.brokerPid());
        broker.sample();
        MeasurementWindow unused = new MeasurementWindow();

        // 1. Store.
        TopicPerMessage stored = new TopicPerMessage(run.client().version(), topicPrefix, settings.storeQos(), true,
                settings.payloadSize());
        long storeStart = System.nanoTime();
        PublisherConnection.Stats storing = publishAll(run, group, all, "p", stored, settings, unused);
        report.set(ReportField.RETAINED_STORE_S, (System.nanoTime() - storeStart) / 1e9)
                .set(ReportField.PUBLISHED, (long) storing.published())
                .set(ReportField.ACKNOWLEDGED, storing.acknowledged())
                .set(ReportField.REJECTED, storing.rejected());
        if (storing.rejected() > 0) {
            throw new BenchException("the broker refused " + storing.rejected() + " retained PUBLISH (first reason "
                    + "code " + storing.firstRejection() + ")");
        }

        // 2. Time a new subscriber.
        RetainedCheck check = new RetainedCheck(topicPrefix, settings.count());
        SubscriberConnection subscriber = new SubscriberConnection(run.client(), run.clientId("s", 0), group.loop(1),
                List.of(topicPrefix + "#"), settings.subscribeQos(), check, unused, false);
        all.add(subscriber);
        double toolCpuStart = ToolCpu.seconds();
        ProcFs.Sample brokerStart = broker.sample();
        group.connect(subscriber);
        long[] lastProgress = {System.nanoTime()};
        long[] lastDistinct = {-1};
        boolean complete = Waiting.until(() -> {
            long distinct = check.distinct();
            long now = System.nanoTime();
            if (distinct != lastDistinct[0]) {
                lastDistinct[0] = distinct;
                lastProgress[0] = now;
            }
            return distinct == settings.count() || subscriber.failure() != null
                    || (subscriber.ready().isDone() && now - lastProgress[0] > QUIET.toNanos());
        }, settings.timeout());
        double toolCpu = ToolCpu.seconds() - toolCpuStart;
        ProcFs.Sample brokerEnd = broker.sample();
        long subscribeSent = PubSubRun.get(subscriber.subscribeSentNanos());
        DeliveryCounts counts = check.counts();
        double deliverySeconds = check.lastNanos() > 0 ? (check.lastNanos() - subscribeSent) / 1e9 : Double.NaN;
        report.set(ReportField.EXPECTED, counts.expected())
                .set(ReportField.RECEIVED, counts.received())
                .set(ReportField.LOST, counts.lost())
                .set(ReportField.DUPLICATES, counts.duplicates())
                .set(ReportField.UNEXPECTED, counts.unexpected())
                .set(ReportField.RETAINED_FLAG_MISSING, check.flagMissing())
                .set(ReportField.RETAINED_SUBACK_MS, subscriber.subAckNanos() > 0 && subscribeSent > 0
                        ? (subscriber.subAckNanos() - subscribeSent) / 1e6 : null)
                .set(ReportField.RETAINED_DELIVERY_S, deliverySeconds)
                .set(ReportField.DURATION_S, deliverySeconds)
                .ratio(ReportField.RETAINED_DELIVERY_PER_S, counts.received(), deliverySeconds)
                .ratio(ReportField.THROUGHPUT_PER_S, counts.received(), deliverySeconds)
                .set(ReportField.RECEIVED_MEASURED, counts.received())
                .set(ReportField.TOOL_CPU_S, toolCpu)
                .ratio(ReportField.TOOL_CPU_US_PER_MSG, toolCpu * 1e6, counts.received());
        if (brokerStart != null && brokerEnd != null) {
            double brokerCpu = brokerEnd.cpuSeconds() - brokerStart.cpuSeconds();
            report.set(ReportField.BROKER_CPU_S, brokerCpu)
                    .ratio(ReportField.BROKER_CPU_US_PER_MSG, brokerCpu * 1e6, counts.received())
                    .set(ReportField.BROKER_RSS_BEFORE_BYTES, brokerStart.rssBytes())
                    .set(ReportField.BROKER_RSS_AFTER_BYTES, brokerEnd.rssBytes());
        }
        String failure = subscriber.failure();
        if (failure != null) {
            report.fail(failure);
        }
        if (!complete || counts.lost() > 0) {
            report.fail("only " + counts.received() + " of " + settings.count() + " retained messages reached the "
                    + "new subscriber");
        }
        if (counts.unexpected() > 0) {
            report.fail(counts.unexpected() + " messages on the retained topics were not the ones stored there");
        }
        Waiting.disconnectAll(List.of(subscriber), DISCONNECT_TIMEOUT);

        // 3. Clear.
        if (settings.clear()) {
            TopicPerMessage empty = new TopicPerMessage(run.client().version(), topicPrefix, QoS.AT_LEAST_ONCE, true,
                    0);
            PublisherConnection.Stats clearing = publishAll(run, group, all, "x", empty, settings, unused);
            report.set(ReportField.RETAINED_CLEARED, clearing.acknowledged());
            if (clearing.acknowledged() != settings.count()) {
                report.fail("only " + clearing.acknowledged() + " of " + settings.count()
                        + " retained messages were cleared");
            }
        }
    }

    /** Publishes message 0..count-1 of {@code source} from a new connection, closed loop, and waits for the acks. */
    private static PublisherConnection.Stats publishAll(RunSettings run, ClientGroup group,
                                                        List<ClientConnection> all, String role,
                                                        TopicPerMessage source, Settings settings,
                                                        MeasurementWindow window) {
        PublisherConnection publisher = new PublisherConnection(run.client(), run.clientId(role, 0), group.loop(0), 0,
                source, new PublisherConnection.Pacing(0, settings.window()), settings.count(), window);
        all.add(publisher);
        group.connect(publisher);
        Waiting.ready(List.of(publisher), run.client().connectTimeout(), "publishers");
        publisher.start();
        boolean settled = Waiting.until(() -> publisher.settled() || publisher.failure() != null,
                settings.timeout());
        if (publisher.failure() != null) {
            throw new BenchException(publisher.failure());
        }
        if (!settled) {
            throw new BenchException("publishing " + settings.count() + " retained messages took longer than "
                    + settings.timeout().toSeconds() + " s");
        }
        PublisherConnection.Stats stats = PubSubRun.get(publisher.stats());
        Waiting.disconnectAll(List.of(publisher), DISCONNECT_TIMEOUT);
        return stats;
    }
}
