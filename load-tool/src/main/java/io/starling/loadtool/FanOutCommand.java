package io.starling.loadtool;

import io.starling.loadtool.report.RunReport;
import io.starling.loadtool.scenario.PubSubRun;
import io.starling.loadtool.scenario.RunSettings;
import io.starling.loadtool.scenario.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code starling bench fan-out}: few publishers, many subscribers on the same topics. */
@Command(name = "fan-out", sortOptions = false,
        description = "Fan-out: few publishers, many subscribers, each subscribed to every topic, so each message "
                + "is delivered once per subscriber.")
final class FanOutCommand extends ScenarioCommand {
    @Option(names = "--publishers", paramLabel = "N", defaultValue = "1",
            description = "Publishers. Default: ${DEFAULT-VALUE}.")
    int publishers;

    @Option(names = "--subscribers", paramLabel = "N", defaultValue = "10",
            description = "Subscribers. Default: ${DEFAULT-VALUE}.")
    int subscribers;

    @Option(names = {"-t", "--topics"}, paramLabel = "N", defaultValue = "1",
            description = "Topics (at most the publishers); publisher i publishes to topic i mod N. "
                    + "Default: ${DEFAULT-VALUE}.")
    int topics;

    @Mixin
    TrafficOptions traffic;

    @Override
    RunReport run(RunSettings run) {
        return PubSubRun.run("fan-out", run, traffic.settings(0),
                Topology.fanOut(run.topicPrefix(), publishers, subscribers, topics));
    }
}
