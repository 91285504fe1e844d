package io.starling.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code starling pub}: publishes one message, or one per line of stdin, like mosquitto_pub. */
@Command(name = "pub", versionProvider = StarlingVersion.class, sortOptions = false,
        description = "Publishes a message to a MQTT broker, like mosquitto_pub. With QoS 1 or 2 it waits for the "
                + "broker's acknowledgement and fails if the broker refuses the message.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:published (and acknowledged, with QoS 1 and 2)",
                "1:the broker is unreachable or refused the connection or the message",
                "2:invalid options"})
public final class PubCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC", required = true,
            description = "Topic to publish to (no wildcards).")
    String topic;

    @Option(names = {"-q", "--qos"}, paramLabel = "QOS", defaultValue = "0",
            description = "Quality of service: 0, 1 or 2. Default: ${DEFAULT-VALUE}.")
    int qos;

    @Option(names = {"-r", "--retain"}, description = "Ask the broker to retain the message for later subscribers.")
    boolean retain;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "%nPayload (exactly one):%n")
    PayloadSource payload;

    @ArgGroup(exclusive = false, heading = "%nMQTT 5 message properties:%n")
    V5Properties v5Properties;

    /** Where -l and -s read; tests replace it. */
    InputStream stdin = System.in;

    static final class PayloadSource {
        @Option(names = {"-m", "--message"}, paramLabel = "TEXT", description = "The payload, as UTF-8 text.")
        String message;

        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The payload: a file's bytes.")
        Path file;

        @Option(names = {"-s", "--stdin-file"}, description = "The payload: all of stdin, as bytes.")
        boolean stdinFile;

        @Option(names = {"-l", "--stdin-lines"},
                description = "One message per line of stdin (UTF-8, line break removed; empty lines are skipped).")
        boolean stdinLines;

        @Option(names = {"-n", "--null-message"},
                description = "An empty payload (with -r: clears the topic's retained message).")
        boolean nullMessage;
    }

    static final class V5Properties {
        @Option(names = "--content-type", paramLabel = "TYPE", description = "Content Type, e.g. application/json.")
        String contentType;

        @Option(names = "--response-topic", paramLabel = "TOPIC", description = "Response Topic for request/response.")
        String responseTopic;

        @Option(names = "--correlation-data", paramLabel = "TEXT", description = "Correlation Data (UTF-8 text).")
        String correlationData;

        @Option(names = "--user-property", paramLabel = "KEY=VALUE",
                description = "A User Property; repeatable, order and repeated keys are kept.")
        List<String> userProperties = new ArrayList<>();

        @Option(names = "--message-expiry", paramLabel = "SECONDS",
                description = "Message Expiry Interval: the broker drops the message if undelivered by then.")
        Long messageExpiry;

        @Option(names = "--payload-format-indicator",
                description = "Declare the payload UTF-8 text (Payload Format Indicator 1).")
        boolean payloadIsUtf8;
    }

    @Override
    public Integer call() throws Exception {
        validate();
        Messages.Properties properties = properties();
        long sessionExpiry = connection.sessionExpirySeconds(spec);
        // Read before connecting: a missing file is reported without touching the broker.
        byte[] single = payload.stdinLines ? null : payloadBytes();
        try (ClientSession session = ClientSession.connect(connection, sessionExpiry, false)) {
            // Ctrl-C while reading stdin still ends the session with DISCONNECT, so no will is published.
            return ShutdownHook.during("starling-pub-disconnect", session::close, () -> {
                if (single == null) {
                    publishLines(session, properties);
                } else {
                    session.publish(new Messages.Outgoing(topic, single, qos, retain, properties));
                }
                return 0;
            });
        }
    }

    private void validate() {
        connection.validate(spec);
        ConnectionOptions.require(spec, qos >= 0 && qos <= 2, "-q/--qos must be 0, 1 or 2: " + qos);
        ConnectionOptions.requireTopicName(spec, topic, "-t/--topic");
        if (v5Properties != null) {
            ConnectionOptions.require(spec, connection.protocolVersion == ProtocolVersion.MQTT_5,
                    "MQTT 5 message properties need -V 5");
            if (v5Properties.responseTopic != null) {
                ConnectionOptions.requireTopicName(spec, v5Properties.responseTopic, "--response-topic");
            }
            for (String property : v5Properties.userProperties) {
                ConnectionOptions.require(spec, property.indexOf('=') > 0,
                        "--user-property must be KEY=VALUE: " + property);
            }
            ConnectionOptions.require(spec, v5Properties.messageExpiry == null
                            || (v5Properties.messageExpiry >= 0 && v5Properties.messageExpiry <= 0xFFFF_FFFFL),
                    "--message-expiry must be 0..4294967295 s: " + v5Properties.messageExpiry);
        }
    }

    private Messages.Properties properties() {
        if (v5Properties == null) {
            return Messages.Properties.NONE;
        }
        List<Messages.UserProperty> userProperties = v5Properties.userProperties.stream()
                .map(p -> new Messages.UserProperty(p.substring(0, p.indexOf('=')), p.substring(p.indexOf('=') + 1)))
                .toList();
        return new Messages.Properties(v5Properties.contentType, v5Properties.responseTopic,
                v5Properties.correlationData == null ? null
                        : v5Properties.correlationData.getBytes(StandardCharsets.UTF_8),
                userProperties, v5Properties.messageExpiry, v5Properties.payloadIsUtf8 ? 1 : null);
    }

    private byte[] payloadBytes() throws IOException {
        if (payload.message != null) {
            return payload.message.getBytes(StandardCharsets.UTF_8);
        }
        if (payload.file != null) {
            try {
                return Files.readAllBytes(payload.file);
            } catch (NoSuchFileException e) {
                throw new CliException("cannot read " + payload.file + ": no such file");
            } catch (IOException e) {
                throw new CliException("cannot read " + payload.file + ": " + Errors.rootCauseMessage(e));
            }
        }
        if (payload.stdinFile) {
            return stdin.readAllBytes();
        }
        return new byte[0]; // -n
    }

    private void publishLines(ClientSession session, Messages.Properties properties) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (!line.isEmpty()) {
                session.publish(new Messages.Outgoing(topic, line.getBytes(StandardCharsets.UTF_8), qos, retain,
                        properties));
            }
        }
    }
}
