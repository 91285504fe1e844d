package io.starling.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * mosquitto_sub and mosquitto_pub (Debian package mosquitto-clients) at -V 31, 311 and 5. They are one-shot
 * tools, so a {@link Connection} maps onto them as follows:
 * <ul>
 *   <li>the connection itself is a mosquitto_sub process ({@code -d} shows CONNACK and SUBACK): it subscribes to
 *       the spec's filters, or to a private filter nothing publishes to when the spec has none, since
 *       mosquitto_sub cannot connect without subscribing;</li>
 *   <li>{@link Connection#publish} runs one mosquitto_pub per message, on its own connection (client identifier
 *       {@code <id>-p<n>}), which exits once the flow is complete;</li>
 *   <li>{@link Connection#disconnect} is SIGTERM, on which mosquitto_sub sends DISCONNECT; at -V 5 its reason
 *       code is 0x04, Disconnect with Will Message (mosquitto_sub's choice for a signal), so the broker rightly
 *       publishes the will. A normal DISCONNECT (0x00) comes only from {@link #connectAndLeave}, which is
 *       mosquitto_sub -E: exit once subscribed. {@link Connection#crash} is SIGKILL;</li>
 *   <li>the Session Present flag is not shown by mosquitto_sub: {@link Connection#sessionPresent} is empty, and
 *       a resumed session is seen only through the messages it delivers.</li>
 * </ul>
 */
final class MosquittoDriver implements ClientDriver {
    static final String SUB = "/usr/bin/mosquitto_sub";
    static final String PUB = "/usr/bin/mosquitto_pub";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    /** One JSON object per message; %x is the payload in hex, so any byte survives. */
    private static final String FORMAT = "{\"event\":\"message\",\"topic\":\"%t\",\"qos\":%q,\"retain\":%r,"
            + "\"payloadHex\":\"%x\"}";
    private static final Pattern CONNACK = Pattern.compile("received CONNACK \\((\\d+)\\)");
    private static final Pattern SUBACK = Pattern.compile("^Subscribed \\(mid: \\d+\\): (.*)$");

    private final String host;
    private final int port;
    private final MqttVersion version;

    MosquittoDriver(String host, int port, MqttVersion version) {
        this.host = host;
        this.port = port;
        this.version = version;
    }

    @Override
    public Connection connect(ConnectSpec spec) {
        return start(spec, false);
    }

    /** mosquitto_sub -E: subscribes, then sends a normal DISCONNECT and exits. */
    @Override
    public Connection connectAndLeave(ConnectSpec spec) {
        MosquittoConnection connection = (MosquittoConnection) start(spec, true);
        try {
            int exitCode = connection.process.awaitExit(Timeouts.WAIT);
            if (exitCode != 0 || connection.process.count(line -> line.contains("sending DISCONNECT")) != 1) {
                throw new AssertionError(connection.name + " -E did not leave with DISCONNECT (exit code " + exitCode
                        + "); " + connection.process.transcript());
            }
            return connection;
        } catch (RuntimeException | AssertionError e) {
            connection.close();
            throw e;
        }
    }

    private Connection start(ConnectSpec spec, boolean leaveOnceSubscribed) {
        String name = "mosquitto_sub " + version.label() + " " + spec.clientId();
        MosquittoConnection connection = new MosquittoConnection(name, spec);
        List<String> command = subCommand(spec);
        if (leaveOnceSubscribed) {
            command.add("-E");
        }
        connection.process = ChildProcess.start(name, command, connection::onLine);
        try {
            String connack = connection.process.awaitLine(line -> CONNACK.matcher(line).find(), "CONNACK");
            Matcher code = CONNACK.matcher(connack);
            if (!code.find() || !code.group(1).equals("0")) {
                throw new AssertionError(name + " was refused: " + connack + "; " + connection.process.transcript());
            }
            String suback = connection.process.awaitLine(line -> SUBACK.matcher(line).matches(), "SUBACK");
            Matcher grants = SUBACK.matcher(suback);
            if (grants.matches() && !spec.filters().isEmpty()) {
                connection.granted = Arrays.stream(grants.group(1).split(",\\s*"))
                        .map(String::trim).map(Integer::valueOf).toList();
            }
            return connection;
        } catch (RuntimeException | AssertionError e) {
            connection.close();
            throw e;
        }
    }

    private List<String> subCommand(ConnectSpec spec) {
        // stdbuf: line-buffered standard output, or the lines would sit in a pipe buffer until the tool exits.
        List<String> command = new ArrayList<>(List.of("/usr/bin/stdbuf", "-oL", SUB, "-h", host,
                "-p", Integer.toString(port), "-V", version.cliName(), "-i", spec.clientId(), "-d",
                "-F", FORMAT, "-q", Integer.toString(spec.subscriptionQos())));
        List<String> filters = spec.filters().isEmpty() ? List.of("idle/" + spec.clientId()) : spec.filters();
        for (String filter : filters) {
            command.addAll(List.of("-t", filter));
        }
        if (!spec.cleanStart()) {
            command.add("-c");
            if (version.isV5()) {
                command.addAll(List.of("-x", Long.toString(spec.sessionExpirySeconds())));
            }
        }
        if (spec.will() != null) {
            command.addAll(List.of("--will-topic", spec.will().topic(), "--will-payload", spec.will().payload(),
                    "--will-qos", Integer.toString(spec.will().qos())));
            if (spec.will().retain()) {
                command.add("--will-retain");
            }
        }
        return command;
    }

    private final class MosquittoConnection extends BaseConnection {
        private final ConnectSpec spec;
        private final List<ChildProcess> publishers = new ArrayList<>();
        private ChildProcess process;

        MosquittoConnection(String name, ConnectSpec spec) {
            this.name = name;
            this.spec = spec;
            this.inbox = new Inbox(name);
        }

        void onLine(String line) {
            if (!line.startsWith("{\"event\":\"message\"")) {
                return; // -d debug lines
            }
            try {
                JsonNode event = JSON.readTree(line);
                String payload = new String(HEX.parseHex(event.path("payloadHex").asText()), StandardCharsets.UTF_8);
                inbox.add(new Message(event.path("topic").asText(), payload, event.path("qos").asInt(),
                        event.path("retain").asInt() == 1));
            } catch (IOException e) {
                throw new AssertionError(name + " printed a message line that is not JSON: " + line, e);
            }
        }

        @Override
        public Optional<Boolean> sessionPresent() {
            return Optional.empty();
        }

        @Override
        public void publish(String topic, String payload, int qos, boolean retain) {
            String clientId = spec.clientId() + "-p" + (publishers.size() + 1);
            List<String> command = new ArrayList<>(List.of("/usr/bin/stdbuf", "-oL", PUB, "-h", host,
                    "-p", Integer.toString(port), "-V", version.cliName(), "-i", clientId, "-d",
                    "-t", topic, "-m", payload, "-q", Integer.toString(qos)));
            if (retain) {
                command.add("-r");
            }
            ChildProcess publisher = ChildProcess.start("mosquitto_pub " + version.label() + " " + clientId, command,
                    line -> { });
            publishers.add(publisher);
            int exitCode = publisher.awaitExit(Timeouts.WAIT);
            if (exitCode != 0) {
                throw new AssertionError(publisher.name() + " failed (exit code " + exitCode + "); "
                        + publisher.transcript());
            }
        }

        @Override
        public void disconnect() {
            process.terminate();
            process.awaitExit(Timeouts.WAIT);
            if (process.count(line -> line.contains("sending DISCONNECT")) != 1) {
                throw new AssertionError(name + " did not send DISCONNECT; " + process.transcript());
            }
        }

        @Override
        public void crash() {
            process.kill();
        }

        @Override
        public void close() {
            process.close();
            publishers.forEach(ChildProcess::close);
        }
    }
}
