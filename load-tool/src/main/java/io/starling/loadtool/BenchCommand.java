package io.starling.loadtool;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code starling bench}: the load tool. One subcommand per scenario; each prints a table and one JSON line, and
 * exits 0 when the run is ok, 1 when it failed, 2 for invalid options.
 */
@Command(name = "bench",
        description = "Load tool for any MQTT broker: point-to-point, fan-out, fan-in, latency, connections and "
                + "retained scenarios. Every run checks what it measures (sequence numbers per publisher: loss, "
                + "duplication, reordering) and prints a table and one JSON line. Plain TCP only (no TLS).",
        subcommands = {PointToPointCommand.class, FanOutCommand.class, FanInCommand.class, LatencyCommand.class,
                ConnectionsCommand.class, RetainedCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the run is ok", "1:the run failed (see 'failure' in the report)", "2:invalid options"})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean helpRequested;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "missing scenario: p2p, fan-out, fan-in, latency, connections or retained");
    }
}
