package io.starling.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A client library driven through a script of ours, one process per connection: {@code agent.js} (MQTT.js, run
 * with node) or {@code agent.py} (paho-mqtt, run with Debian's python3). Both take the connection on the command
 * line, print one JSON event per line and take JSON commands on standard input; see the scripts' headers.
 */
final class ScriptDriver implements ClientDriver {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private final String library;
    private final List<String> interpreterAndScript;
    private final String host;
    private final int port;
    private final MqttVersion version;

    /**
     * @param library              for messages: "MQTT.js", "paho-mqtt (Python)"
     * @param interpreterAndScript how to run the script, e.g. {@code [node, /path/agent.js]}
     */
    ScriptDriver(String library, List<String> interpreterAndScript, String host, int port, MqttVersion version) {
        this.library = library;
        this.interpreterAndScript = List.copyOf(interpreterAndScript);
        this.host = host;
        this.port = port;
        this.version = version;
    }

    @Override
    public Connection connect(ConnectSpec spec) {
        String name = library + " " + version.label() + " " + spec.clientId();
        ScriptConnection connection = new ScriptConnection(name);
        connection.process = ChildProcess.start(name, command(spec), connection::onLine);
        try {
            JsonNode connack = JSON.readTree(connection.process.awaitLine(event("connack"), "CONNACK"));
            if (connack.path("reasonCode").asInt(-1) != 0) {
                throw new AssertionError(name + " was refused: " + connack + "; " + connection.process.transcript());
            }
            connection.sessionPresent = connack.path("sessionPresent").asBoolean();
            if (!spec.filters().isEmpty()) {
                JsonNode suback = JSON.readTree(connection.process.awaitLine(event("suback"), "SUBACK"));
                List<Integer> granted = new ArrayList<>();
                suback.path("granted").forEach(code -> granted.add(code.asInt()));
                connection.granted = List.copyOf(granted);
            }
            return connection;
        } catch (java.io.IOException | RuntimeException | AssertionError e) {
            connection.close();
            throw e instanceof AssertionError assertion ? assertion
                    : new AssertionError(name + " could not connect: " + e, e);
        }
    }

    private List<String> command(ConnectSpec spec) {
        List<String> command = new ArrayList<>(interpreterAndScript);
        command.addAll(List.of("--host", host, "--port", Integer.toString(port), "--protocol", version.cliName(),
                "--id", spec.clientId(), "--clean", Boolean.toString(spec.cleanStart()),
                "--timeout", Long.toString(Timeouts.PROCESS_LIFETIME.toSeconds())));
        if (spec.sessionExpirySeconds() > 0) {
            command.addAll(List.of("--session-expiry", Long.toString(spec.sessionExpirySeconds())));
        }
        if (spec.will() != null) {
            command.addAll(List.of("--will-topic", spec.will().topic(),
                    "--will-payload-hex", hex(spec.will().payload()),
                    "--will-qos", Integer.toString(spec.will().qos()),
                    "--will-retain", Boolean.toString(spec.will().retain())));
        }
        for (String filter : spec.filters()) {
            command.addAll(List.of("--sub", filter));
        }
        if (!spec.filters().isEmpty()) {
            command.addAll(List.of("--sub-qos", Integer.toString(spec.subscriptionQos())));
        }
        return command;
    }

    /** Matches the lines of one event type; every line the scripts print is a JSON object. */
    private static Predicate<String> event(String type) {
        return line -> line.contains("\"event\"") && type.equals(parse(line).path("event").asText());
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (java.io.IOException e) {
            return JSON.createObjectNode(); // not one of the script's lines (a library's own warning)
        }
    }

    private static String hex(String text) {
        return HEX.formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    private static final class ScriptConnection extends BaseConnection {
        private ChildProcess process;
        private int publishes;

        ScriptConnection(String name) {
            this.name = name;
            this.inbox = new Inbox(name);
        }

        void onLine(String line) {
            JsonNode event = parse(line);
            if ("message".equals(event.path("event").asText())) {
                String payload = new String(HEX.parseHex(event.path("payloadHex").asText()), StandardCharsets.UTF_8);
                inbox.add(new Message(event.path("topic").asText(), payload, event.path("qos").asInt(),
                        event.path("retain").asBoolean()));
            }
        }

        @Override
        public void publish(String topic, String payload, int qos, boolean retain) {
            ObjectNode command = JSON.createObjectNode().put("cmd", "publish").put("topic", topic)
                    .put("payloadHex", hex(payload)).put("qos", qos).put("retain", retain);
            process.send(command.toString());
            publishes++;
            process.awaitCount(event("published"), publishes, "completion of PUBLISH to " + topic + " at QoS " + qos);
        }

        @Override
        public void disconnect() {
            process.send("{\"cmd\":\"disconnect\"}");
            int exitCode = process.awaitExit(Timeouts.WAIT);
            if (exitCode != 0 || process.count(event("disconnected")) != 1) {
                throw new AssertionError(name + " did not disconnect cleanly (exit code " + exitCode + "); "
                        + process.transcript());
            }
        }

        @Override
        public void crash() {
            process.kill();
        }

        @Override
        public void close() {
            process.close();
        }
    }
}
