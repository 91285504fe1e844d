package io.starling.loadtool.scenario;

import io.starling.loadtool.client.BenchException;
import io.starling.loadtool.client.ClientGroup;
import io.starling.loadtool.client.IdleConnection;
import io.starling.loadtool.report.BrokerProcess;
import io.starling.loadtool.report.LatencySummary;
import io.starling.loadtool.report.ProcFs;
import io.starling.loadtool.report.ReportField;
import io.starling.loadtool.report.RunReport;
import io.starling.loadtool.report.ToolCpu;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Opens N idle connections at a given rate and keeps them: reports the connect rate (CONNACKs per second from the
 * first connect to the last CONNACK), connect-to-CONNACK latency percentiles, and, given the broker's PID, its RSS
 * before the first connection and after the last one has been open for the hold time, hence bytes per connection.
 * The RSS of a JVM broker includes heap pages touched since it started; a fixed heap (-Xms = -Xmx) and a warm
 * broker make the difference mean more.
 */
public final class ConnectionsRun {
    private static final Duration DISCONNECT_TIMEOUT = Duration.ofSeconds(60);

    /**
     * @param connections   how many to open
     * @param ratePerSecond connection attempts per second; 0 as fast as {@code maxPending} allows
     * @param maxPending    most connections between TCP connect and CONNACK at once
     * @param hold          how long all stay open before the memory is read
     */
    public record Settings(int connections, double ratePerSecond, int maxPending, Duration hold) {
        public Settings {
            if (connections < 1) {
                throw new IllegalArgumentException("connections must be at least 1: " + connections);
            }
            if (ratePerSecond < 0 || Double.isNaN(ratePerSecond) || Double.isInfinite(ratePerSecond)) {
                throw new IllegalArgumentException("connect rate must be 0 (unthrottled) or positive");
            }
            if (maxPending < 1) {
                throw new IllegalArgumentException("max pending must be at least 1: " + maxPending);
            }
            if (hold == null || hold.isNegative()) {
                throw new IllegalArgumentException("hold must not be negative");
            }
        }
    }

    private ConnectionsRun() {
    }

    public static RunReport run(RunSettings run, Settings settings) {
        RunReport.Builder report = RunReport.builder("connections");
        report.set(ReportField.TARGET, run.client().target())
                .set(ReportField.PROTOCOL, PubSubRun.versionLabel(run.client().version()))
                .set(ReportField.THREADS, run.threads())
                .set(ReportField.CONNECTIONS, settings.connections())
                .set(ReportField.RATE_TARGET_PER_S, settings.ratePerSecond() > 0 ? settings.ratePerSecond() : null)
                .set(ReportField.BROKER_PID, run.brokerPid());
        List<IdleConnection> connections = new ArrayList<>();
        try (ClientGroup group = new ClientGroup(run.threads())) {
            report.set(ReportField.TRANSPORT, group.transport());
            try {
                open(run, settings, group, connections, report);
            } finally {
                Waiting.disconnectAll(connections, DISCONNECT_TIMEOUT);
            }
        } catch (BenchException | IllegalStateException e) {
            report.fail(e.getMessage());
        }
        return report.build();
    }

    private static void open(RunSettings run, Settings settings, ClientGroup group, List<IdleConnection> connections,
                             RunReport.Builder report) {
        BrokerProcess broker = BrokerProcess.of(run.brokerPid());
        ProcFs.Sample before = broker.sample();
        double toolCpuStart = ToolCpu.seconds();
        AtomicInteger pending = new AtomicInteger();
        long start = System.nanoTime();
        double intervalNanos = settings.ratePerSecond() > 0 ? 1e9 / settings.ratePerSecond() : 0;
        Duration connectTimeout = run.client().connectTimeout();
        for (int i = 0; i < settings.connections(); i++) {
            long due = start + (long) (i * intervalNanos);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            // Bounded: a broker that stops answering fails the run instead of stalling it.
            if (!Waiting.until(() -> pending.get() < settings.maxPending(), connectTimeout)) {
                throw new BenchException(pending.get() + " connections without CONNACK after "
                        + connectTimeout.toMillis() + " ms; " + i + " of " + settings.connections() + " started");
            }
            IdleConnection connection = new IdleConnection(run.client(), run.clientId("c", i), group.loop(i));
            connections.add(connection);
            pending.incrementAndGet();
            connection.ready().whenComplete((ok, failed) -> pending.decrementAndGet());
            group.connect(connection);
        }
        Waiting.until(() -> connections.stream().allMatch(c -> c.ready().isDone()), connectTimeout);

        long open = connections.stream().filter(c -> c.ready().isDone() && !c.ready().isCompletedExceptionally())
                .count();
        long failed = connections.size() - open;
        long lastConnAck = connections.stream().mapToLong(IdleConnection::connAckNanos).max().orElse(start);
        double connectSeconds = (lastConnAck - start) / 1e9;
        Histogram connacks = LatencySummary.newHistogram();
        for (Histogram perLoop : group.onEachLoop(loop -> loop.connack().copy(), Duration.ofSeconds(10))) {
            connacks.add(perLoop);
        }
        LatencySummary connack = LatencySummary.of(connacks);
        report.set(ReportField.CONNECTIONS_OPEN, open)
                .set(ReportField.CONNECTIONS_FAILED, failed)
                .set(ReportField.CONNECT_S, connectSeconds)
                .ratio(ReportField.CONNECT_RATE_PER_S, open, connectSeconds)
                .set(ReportField.CONNACK_P50_US, connack.p50Micros())
                .set(ReportField.CONNACK_P99_US, connack.p99Micros())
                .set(ReportField.CONNACK_P999_US, connack.p999Micros())
                .set(ReportField.CONNACK_MAX_US, connack.maxMicros());

        // Idle for the hold time: pings only, if the keep alive is short enough.
        Waiting.until(() -> false, settings.hold());
        String failure = Waiting.firstFailure(connections);
        ProcFs.Sample after = broker.sample();
        report.set(ReportField.DURATION_S, (System.nanoTime() - start) / 1e9)
                .set(ReportField.TOOL_CPU_S, ToolCpu.seconds() - toolCpuStart);
        if (before != null && after != null) {
            report.set(ReportField.BROKER_CPU_S, after.cpuSeconds() - before.cpuSeconds())
                    .set(ReportField.BROKER_RSS_BEFORE_BYTES, before.rssBytes())
                    .set(ReportField.BROKER_RSS_AFTER_BYTES, after.rssBytes())
                    .ratio(ReportField.BROKER_BYTES_PER_CONNECTION, after.rssBytes() - before.rssBytes(), open);
        }
        if (failure != null) {
            report.fail(failure);
        }
        if (failed > 0) {
            report.fail(failed + " of " + settings.connections() + " connections failed or got no CONNACK within "
                    + connectTimeout.toMillis() + " ms");
        }
    }
}
