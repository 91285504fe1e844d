package io.starling.loadtool;

import io.starling.loadtool.report.RunReport;
import io.starling.loadtool.scenario.PubSubRun;
import io.starling.loadtool.scenario.RunSettings;
import io.starling.loadtool.scenario.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code starling bench latency}: end-to-end latency at a fixed rate. */
@Command(name = "latency", sortOptions = false,
        description = "Latency at a fixed rate (default 5000 msg/s): point-to-point pairs; each payload carries its "
                + "intended send time (System.nanoTime() of this JVM), so a stall counts against the latency "
                + "instead of lowering the rate. Reports p50, p99, p99.9 and max.")
final class LatencyCommand extends ScenarioCommand {
    static final double DEFAULT_RATE = 5000;

    @Option(names = {"-c", "--pairs"}, paramLabel = "P", defaultValue = "1",
            description = "Publisher/subscriber pairs; the rate is split between them. Default: ${DEFAULT-VALUE}.")
    int pairs;

    @Mixin
    TrafficOptions traffic;

    @Override
    RunReport run(RunSettings run) {
        return PubSubRun.run("latency", run, traffic.settings(DEFAULT_RATE),
                Topology.pointToPoint(run.topicPrefix(), pairs));
    }
}
