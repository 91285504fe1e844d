package io.starling.loadtool;

import io.starling.loadtool.report.RunReport;
import io.starling.loadtool.scenario.PubSubRun;
import io.starling.loadtool.scenario.RunSettings;
import io.starling.loadtool.scenario.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code starling bench p2p}: P publishers, each to its own subscriber on its own topic. */
@Command(name = "p2p", aliases = "point-to-point", sortOptions = false,
        description = "Point-to-point: P publishers each publish to their own topic, each with its own subscriber.")
final class PointToPointCommand extends ScenarioCommand {
    @Option(names = {"-c", "--pairs"}, paramLabel = "P", defaultValue = "4",
            description = "Publisher/subscriber pairs. Default: ${DEFAULT-VALUE}.")
    int pairs;

    @Mixin
    TrafficOptions traffic;

    @Override
    RunReport run(RunSettings run) {
        return PubSubRun.run("p2p", run, traffic.settings(0), Topology.pointToPoint(run.topicPrefix(), pairs));
    }
}
