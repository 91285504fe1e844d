package io.starling.loadtool;

import io.starling.loadtool.report.RunReport;
import io.starling.loadtool.scenario.PubSubRun;
import io.starling.loadtool.scenario.RunSettings;
import io.starling.loadtool.scenario.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code starling bench fan-in}: many publishers, few subscribers on a wildcard or a shared subscription. */
@Command(name = "fan-in", sortOptions = false,
        description = "Fan-in: many publishers on their own topics, few subscribers on <prefix>/fan-in/+ (each gets "
                + "everything) or, with --shared, on $share/bench/<prefix>/fan-in/+ (each message reaches one).")
final class FanInCommand extends ScenarioCommand {
    @Option(names = "--publishers", paramLabel = "N", defaultValue = "10",
            description = "Publishers. Default: ${DEFAULT-VALUE}.")
    int publishers;

    @Option(names = "--subscribers", paramLabel = "N", defaultValue = "1",
            description = "Subscribers. Default: ${DEFAULT-VALUE}.")
    int subscribers;

    @Option(names = "--shared", description = "Subscribe through one shared subscription ($share/bench/...).")
    boolean shared;

    @Mixin
    TrafficOptions traffic;

    @Override
    RunReport run(RunSettings run) {
        return PubSubRun.run(shared ? "fan-in-shared" : "fan-in", run, traffic.settings(0),
                Topology.fanIn(run.topicPrefix(), publishers, subscribers, shared));
    }
}
