package io.starling.loadtool;

import io.starling.codec.QoS;
import io.starling.loadtool.scenario.TrafficSettings;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The traffic options of the publish/subscribe scenarios. */
final class TrafficOptions {

    @Option(names = {"-q", "--qos"}, paramLabel = "QOS", defaultValue = "1", converter = QosConverter.class,
            description = "QoS of every PUBLISH and subscription: 0, 1 or 2. Default: ${DEFAULT-VALUE}.")
    QoS qos;

    @Option(names = {"-s", "--payload"}, paramLabel = "BYTES", defaultValue = "16",
            description = "Payload size, at least 16 (publisher, sequence number, send time). "
                    + "Default: ${DEFAULT-VALUE}.")
    int payload;

    @Option(names = {"-r", "--rate"}, paramLabel = "MSG/S",
            description = "Fixed rate, messages per second over all publishers. Default: closed loop (0), except for "
                    + "latency: 5000.")
    Double rate;

    @Option(names = {"-w", "--window"}, paramLabel = "N", defaultValue = "64",
            description = "QoS 1/2 messages in flight per publisher (lowered to the broker's Receive Maximum). "
                    + "Default: ${DEFAULT-VALUE}.")
    int window;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "Traffic before the measured interval. Default: ${DEFAULT-VALUE}.")
    Duration warmup;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "The measured interval. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = {"-n", "--messages"}, paramLabel = "N", defaultValue = "0",
            description = "Messages per publisher, then it stops (the run ends earlier if the duration is over). "
                    + "Default: 0, no limit.")
    long messages;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "After publishing stops, how long to wait for messages in flight. Default: ${DEFAULT-VALUE}.")
    Duration drainTimeout;

    TrafficSettings settings(double defaultRate) {
        return new TrafficSettings(qos, payload, rate != null ? rate : defaultRate, window, warmup, duration, messages,
                drainTimeout);
    }
}
