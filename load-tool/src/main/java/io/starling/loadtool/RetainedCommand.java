package io.starling.loadtool;

import io.starling.codec.QoS;
import io.starling.loadtool.report.RunReport;
import io.starling.loadtool.scenario.RetainedRun;
import io.starling.loadtool.scenario.RunSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;

/** {@code starling bench retained}: how fast a new '#' subscriber receives R retained messages. */
@Command(name = "retained", sortOptions = false,
        description = "Stores R retained messages on distinct topics <prefix>/retained/<i>, then times a new "
                + "subscriber to <prefix>/retained/# from SUBSCRIBE to the last of them; clears them afterwards.")
final class RetainedCommand extends ScenarioCommand {
    @Option(names = {"-c", "--retained"}, paramLabel = "R", defaultValue = "10000",
            description = "Retained messages. Default: ${DEFAULT-VALUE}.")
    int retained;

    @Option(names = {"-s", "--payload"}, paramLabel = "BYTES", defaultValue = "16",
            description = "Payload size, at least 16. Default: ${DEFAULT-VALUE}.")
    int payload;

    @Option(names = {"-q", "--qos"}, paramLabel = "QOS", defaultValue = "1", converter = QosConverter.class,
            description = "QoS of the timed subscription. Default: ${DEFAULT-VALUE}.")
    QoS qos;

    @Option(names = "--store-qos", paramLabel = "QOS", defaultValue = "1", converter = QosConverter.class,
            description = "QoS of the storing PUBLISHes: 1 or 2, so that each is acknowledged before the clock "
                    + "starts. Default: ${DEFAULT-VALUE}.")
    QoS storeQos;

    @Option(names = {"-w", "--window"}, paramLabel = "N", defaultValue = "64",
            description = "Storing PUBLISHes in flight. Default: ${DEFAULT-VALUE}.")
    int window;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long storing, delivering and clearing may each take. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--no-clear", description = "Leave the retained messages in the broker.")
    boolean noClear;

    @Override
    RunReport run(RunSettings run) {
        return RetainedRun.run(run, new RetainedRun.Settings(retained, payload, storeQos, qos, window, timeout,
                !noClear));
    }
}
