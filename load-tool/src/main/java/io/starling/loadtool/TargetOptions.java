package io.starling.loadtool;

import io.starling.codec.MqttVersion;
import io.starling.loadtool.client.ClientSettings;
import io.starling.loadtool.scenario.RunSettings;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** The options every scenario shares: where the broker is, how clients connect, the tool's threads, the output. */
final class TargetOptions {

    /** How the report is printed. */
    enum Output { TABLE, JSON, BOTH }

    /** Reads table, json or both, in any case. */
    static final class OutputConverter implements ITypeConverter<Output> {
        @Override
        public Output convert(String value) {
            try {
                return Output.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not an output format; use table, json or both");
            }
        }
    }

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Broker host. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "1883",
            description = "Broker port. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = {"-V", "--protocol-version"}, paramLabel = "VERSION", defaultValue = "5",
            converter = VersionConverter.class,
            description = "MQTT version of every client: 5 (mqttv5) or 311 (mqttv311). Default: 5.")
    MqttVersion version;

    @Option(names = "--username", paramLabel = "USER", description = "User name of every client.")
    String username;

    @Option(names = "--password", paramLabel = "PASSWORD", description = "Password of every client.")
    String password;

    @Option(names = "--keep-alive", paramLabel = "SECONDS", defaultValue = "60",
            description = "Keep alive of every client; it pings at 3/4 of it. 0 turns it off. "
                    + "Default: ${DEFAULT-VALUE}.")
    int keepAlive;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "How long a TCP connect and then CONNACK (and SUBACK) may take. Default: ${DEFAULT-VALUE}.")
    Duration connectTimeout;

    @Option(names = "--threads", paramLabel = "N",
            description = "Event loops of the tool. Default: half the cores, at least 1 (here: ${DEFAULT-VALUE}).")
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

    @Option(names = "--broker-pid", paramLabel = "PID",
            description = "PID of the broker, on this machine: its CPU seconds (utime + stime of /proc/PID/stat) over "
                    + "the measured interval and its RSS (/proc/PID/status) are reported.")
    Long brokerPid;

    @Option(names = "--topic-prefix", paramLabel = "TOPIC",
            description = "First levels of every topic of the run. Default: bench/<random run id>, so that runs never "
                    + "see each other's messages.")
    String topicPrefix;

    @Option(names = "--expect-no-loss",
            description = "Fail (exit code 1) when a message is lost or a QoS 1/2 flow is left incomplete.")
    boolean expectNoLoss;

    @Option(names = "--session-expiry", paramLabel = "SECONDS", defaultValue = "0",
            description = "MQTT 5 Session Expiry Interval of every client (Clean Start stays on): above 0 the broker "
                    + "keeps the sessions and, with a store, stores their QoS 1/2 messages before acknowledging "
                    + "them - the path to measure durability modes with. Default: ${DEFAULT-VALUE} (none).")
    long sessionExpiry;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "both", converter = OutputConverter.class,
            description = "table, json (one line) or both (the table, then the JSON line). Default: ${DEFAULT-VALUE}.")
    Output output;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean helpRequested;

    RunSettings runSettings() {
        String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        ClientSettings client = new ClientSettings(host, port, version, username, password, keepAlive,
                connectTimeout, "bench-" + runId, sessionExpiry); // an invalid combination is a usage error
        return new RunSettings(client, threads, brokerPid, expectNoLoss,
                topicPrefix != null ? topicPrefix : "bench/" + runId);
    }
}
