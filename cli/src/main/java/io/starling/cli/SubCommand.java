package io.starling.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code starling sub}: subscribes and prints the messages it receives, like mosquitto_sub. */
@Command(name = "sub", versionProvider = StarlingVersion.class, sortOptions = false,
        description = "Subscribes to topic filters on a MQTT broker and prints every message it receives, like "
                + "mosquitto_sub. Runs until stopped (Ctrl-C), or until -C messages arrived or -W seconds passed.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped, received the -C messages, or -W passed without -C",
                "1:the broker is unreachable, refused the connection or every subscription, or disconnected",
                "2:invalid options",
                "3:-W passed before -C messages arrived"})
public final class SubCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--topic"}, paramLabel = "FILTER", required = true,
            description = "Topic filter to subscribe to ('+' and '#' wildcards allowed); repeatable.")
    List<String> topics;

    @Option(names = {"-q", "--qos"}, paramLabel = "QOS", defaultValue = "0",
            description = "Maximum QoS of the subscriptions: 0, 1 or 2. Default: ${DEFAULT-VALUE}.")
    int qos;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = {"-C", "--count"}, paramLabel = "N", description = "Exit after receiving N messages.")
    Integer count;

    @Option(names = {"-W", "--timeout"}, paramLabel = "SECONDS",
            description = "Exit after this many seconds from subscribing (exit code 3 if -C messages did not arrive).")
    Integer timeoutSeconds;

    @Option(names = {"-R", "--no-retained"},
            description = "Skip retained messages (those the broker had stored before the subscription).")
    boolean skipRetained;

    @Option(names = {"-v", "--verbose"}, description = "Print 'topic payload' instead of the payload alone.")
    boolean verbose;

    @Option(names = "--json",
            description = "Print one JSON object per message: topic, qos, retain, payload, payloadEncoding (utf8, or "
                    + "base64 when the payload is not UTF-8) and, for MQTT 5, properties: payloadFormatIndicator, "
                    + "messageExpiryInterval, contentType, responseTopic, correlationData, userProperties.")
    boolean json;

    @Option(names = {"-N", "--no-newline"}, description = "Do not print a line break after each payload.")
    boolean noNewline;

    /** Called once the broker answered SUBACK; tests wait for it before publishing. */
    Runnable afterSubscribe = () -> { };

    @Override
    public Integer call() throws Exception {
        validate();
        long sessionExpiry = connection.sessionExpirySeconds(spec);
        MessagePrinter printer = new MessagePrinter(
                json ? MessagePrinter.Format.JSON : verbose ? MessagePrinter.Format.VERBOSE
                        : MessagePrinter.Format.PAYLOAD, !noNewline);
        try (ClientSession session = ClientSession.connect(connection, sessionExpiry, true)) {
            AtomicBoolean stopping = new AtomicBoolean();
            Runnable stop = () -> {
                stopping.set(true);
                session.close();
            };
            return ShutdownHook.during("starling-sub-disconnect", stop, () -> {
                subscribe(session);
                try {
                    return receive(session, printer, spec.commandLine().getOut());
                } catch (CliException timedOut) {
                    throw timedOut;
                } catch (RuntimeException connectionLost) {
                    if (stopping.get()) {
                        return 0; // Ctrl-C: the hook disconnected on purpose
                    }
                    throw new CliException("connection lost: " + Errors.describe(connectionLost), connectionLost);
                }
            });
        }
    }

    private void validate() {
        connection.validate(spec);
        ConnectionOptions.require(spec, qos >= 0 && qos <= 2, "-q/--qos must be 0, 1 or 2: " + qos);
        ConnectionOptions.require(spec, count == null || count > 0, "-C/--count must be at least 1: " + count);
        ConnectionOptions.require(spec, timeoutSeconds == null || timeoutSeconds > 0,
                "-W/--timeout must be at least 1 s: " + timeoutSeconds);
        ConnectionOptions.require(spec, !(json && verbose), "-v/--verbose and --json cannot be combined");
        for (String filter : topics) {
            try {
                com.hivemq.client.mqtt.datatypes.MqttTopicFilter.of(filter);
            } catch (IllegalArgumentException e) {
                ConnectionOptions.require(spec, false, "-t/--topic '" + filter + "' is not a valid topic filter: "
                        + Errors.oneLine(e.getMessage()));
            }
        }
    }

    private void subscribe(ClientSession session) {
        List<String> refused = session.subscribe(topics, qos);
        if (refused.size() == topics.size()) {
            throw new CliException(String.join("; ", refused));
        }
        PrintWriter err = spec.commandLine().getErr();
        refused.forEach(problem -> err.println(spec.qualifiedName() + ": warning: " + problem));
        err.flush();
        afterSubscribe.run();
    }

    private int receive(ClientSession session, MessagePrinter printer, PrintWriter out) throws InterruptedException {
        Instant deadline = timeoutSeconds == null ? null : Instant.now().plusSeconds(timeoutSeconds);
        int printed = 0;
        while (count == null || printed < count) {
            Duration left = deadline == null ? null : Duration.between(Instant.now(), deadline);
            if (left != null && (left.isNegative() || left.isZero())) {
                return timedOut(printed);
            }
            Optional<Messages.Received> message = session.receive(left);
            if (message.isEmpty()) {
                return timedOut(printed);
            }
            if (skipRetained && message.get().retain()) {
                continue;
            }
            printer.print(message.get(), out);
            printed++;
        }
        return 0;
    }

    private int timedOut(int printed) {
        if (count == null) {
            return 0; // -W alone: listen for that long
        }
        throw new CliException("timed out after " + timeoutSeconds + " s with " + printed + " of " + count
                + " messages", CliException.TIMED_OUT);
    }
}
