package io.starling.cli;

import com.hivemq.client.mqtt.datatypes.MqttTopic;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How {@code pub} and {@code sub} connect: the options they share, named as in mosquitto_pub / mosquitto_sub.
 * {@code -h} is the host, as there, so help is {@code --help} only.
 */
final class ConnectionOptions {

    /** The MQTT 5 Session Expiry Interval that means "never expires" (MQTT 5.0, 3.1.2.11.2). */
    static final long SESSION_NEVER_EXPIRES = 0xFFFF_FFFFL;

    @Option(names = {"-h", "--host"}, paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Broker host name or address. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "1883",
            description = "Broker port. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = {"-V", "--protocol-version"}, paramLabel = "VERSION", defaultValue = "mqttv5",
            converter = ProtocolVersion.Converter.class,
            description = "MQTT version: mqttv5 (or 5) or mqttv311 (or 311). Default: mqttv5.")
    ProtocolVersion protocolVersion;

    @Option(names = {"-i", "--id"}, paramLabel = "ID",
            description = "Client identifier. Default: none, the broker assigns one (MQTT 5) or keeps no session.")
    String clientId;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "User name to connect with.")
    String username;

    @Option(names = {"-P", "--pw"}, paramLabel = "PASSWORD",
            description = "Password to connect with (MQTT 3.1.1 needs a user name with it).")
    String password;

    @Option(names = {"-k", "--keepalive"}, paramLabel = "SECONDS", defaultValue = "60",
            description = "Keep alive interval; 0 turns it off. Default: ${DEFAULT-VALUE}.")
    int keepAlive;

    @Option(names = {"-c", "--no-clean"},
            description = "Resume the session stored for the client id (-i) and keep it after disconnecting: "
                    + "Clean Session 0 (MQTT 3.1.1), Clean Start 0 (MQTT 5).")
    boolean noClean;

    @Option(names = {"-x", "--session-expiry"}, paramLabel = "SECONDS",
            description = "MQTT 5 Session Expiry Interval; -1 or 'never' for no expiry. Default: 0, or never "
                    + "with -c.")
    String sessionExpiry;

    @Option(names = "--will-topic", paramLabel = "TOPIC",
            description = "Topic of the will message the broker publishes if the connection is lost.")
    String willTopic;

    @Option(names = "--will-payload", paramLabel = "TEXT", description = "Payload of the will message. Default: empty.")
    String willPayload;

    @Option(names = "--will-qos", paramLabel = "QOS", defaultValue = "0",
            description = "QoS of the will message. Default: ${DEFAULT-VALUE}.")
    int willQos;

    @Option(names = "--will-retain", description = "Retain the will message.")
    boolean willRetain;

    @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
    boolean helpRequested;

    @Option(names = "--version", versionHelp = true, description = "Show the version and exit.")
    boolean versionRequested;

    /** Checks what picocli cannot; every problem is a usage error (exit code 2), found before connecting. */
    void validate(CommandSpec spec) {
        require(spec, port >= 1 && port <= 65535, "-p/--port must be 1..65535: " + port);
        require(spec, keepAlive >= 0 && keepAlive <= 65535, "-k/--keepalive must be 0..65535 s: " + keepAlive);
        require(spec, !noClean || (clientId != null && !clientId.isEmpty()),
                "-c/--no-clean needs a client id (-i): the broker finds the stored session by it");
        require(spec, sessionExpiry == null || protocolVersion == ProtocolVersion.MQTT_5,
                "-x/--session-expiry needs MQTT 5 (-V 5); with MQTT 3.1.1 use -c");
        sessionExpirySeconds(spec);
        require(spec, password == null || username != null || protocolVersion == ProtocolVersion.MQTT_5,
                "-P/--pw needs -u/--username with MQTT 3.1.1");
        require(spec, willTopic != null || (willPayload == null && willQos == 0 && !willRetain),
                "--will-payload, --will-qos and --will-retain need --will-topic");
        require(spec, willQos >= 0 && willQos <= 2, "--will-qos must be 0, 1 or 2: " + willQos);
        if (willTopic != null) {
            requireTopicName(spec, willTopic, "--will-topic");
        }
    }

    /** The Session Expiry Interval to ask for (MQTT 5): -x, or never with -c alone, or 0. */
    long sessionExpirySeconds(CommandSpec spec) {
        if (sessionExpiry == null) {
            return noClean ? SESSION_NEVER_EXPIRES : 0;
        }
        String value = sessionExpiry.strip().toLowerCase(Locale.ROOT);
        if (value.equals("-1") || value.equals("never")) {
            return SESSION_NEVER_EXPIRES;
        }
        try {
            long seconds = Long.parseLong(value);
            if (seconds >= 0 && seconds <= SESSION_NEVER_EXPIRES) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ParameterException(spec.commandLine(), "-x/--session-expiry must be 0..4294967295 s, -1 or never: "
                + sessionExpiry);
    }

    String address() {
        return host + ":" + port;
    }

    byte[] passwordBytes() {
        return password == null ? null : password.getBytes(StandardCharsets.UTF_8);
    }

    static void require(CommandSpec spec, boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    /** A topic name to publish to: no wildcards, not empty [MQTT-3.3.2-1, MQTT-3.3.2-2, MQTT-4.7.3-1]. */
    static void requireTopicName(CommandSpec spec, String topic, String option) {
        try {
            MqttTopic.of(topic);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + " '" + topic + "' is not a valid topic name: "
                    + Errors.oneLine(e.getMessage()));
        }
    }
}
