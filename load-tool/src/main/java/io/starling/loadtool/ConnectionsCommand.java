package io.starling.loadtool;

import io.starling.loadtool.report.RunReport;
import io.starling.loadtool.scenario.ConnectionsRun;
import io.starling.loadtool.scenario.RunSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;

/** {@code starling bench connections}: many idle connections. */
@Command(name = "connections", sortOptions = false,
        description = "Opens N idle connections at a given rate and holds them: connect rate, connect-to-CONNACK "
                + "percentiles and, with --broker-pid, the broker's RSS growth per connection. Each connection uses "
                + "a file descriptor in the tool and one in the broker: mind ulimit -n.")
final class ConnectionsCommand extends ScenarioCommand {
    @Option(names = {"-c", "--connections"}, paramLabel = "N", defaultValue = "1000",
            description = "Connections to open. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = "--connect-rate", paramLabel = "N/S", defaultValue = "0",
            description = "Connection attempts per second; 0 as fast as --max-pending allows. "
                    + "Default: ${DEFAULT-VALUE}.")
    double connectRate;

    @Option(names = "--max-pending", paramLabel = "N", defaultValue = "100",
            description = "Most connections awaiting their CONNACK at once. Default: ${DEFAULT-VALUE}.")
    int maxPending;

    @Option(names = "--hold", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "How long all stay open before the broker's memory is read. Default: ${DEFAULT-VALUE}.")
    Duration hold;

    @Override
    RunReport run(RunSettings run) {
        return ConnectionsRun.run(run, new ConnectionsRun.Settings(connections, connectRate, maxPending, hold));
    }
}
