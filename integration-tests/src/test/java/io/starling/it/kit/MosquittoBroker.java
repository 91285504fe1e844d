package io.starling.it.kit;

import io.starling.broker.config.QueueOverflowPolicy;
import org.awaitility.Awaitility;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto 2.x broker (/usr/sbin/mosquitto) on 127.0.0.1 and a free port, started from a generated
 * configuration file, used to check that the tests expect what a mature broker does. Settings Mosquitto cannot
 * express abort the test: such tests are Starling-only.
 */
public final class MosquittoBroker implements BrokerUnderTest {
    private static final String BINARY = "/usr/sbin/mosquitto";

    private final Process process;
    private final int port;
    private final Path log;

    private MosquittoBroker(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static MosquittoBroker start(BrokerSettings settings, Path logDirectory, String label) {
        List<String> unsupported = unsupported(settings);
        if (!unsupported.isEmpty()) {
            throw new TestAbortedException("Starling-only: Mosquitto cannot be configured with " + unsupported);
        }
        try {
            Files.createDirectories(logDirectory);
            int port = freePort();
            Path conf = logDirectory.resolve(label + ".conf");
            Path log = logDirectory.resolve(label + ".log");
            Files.writeString(conf, configuration(settings, port), StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(BINARY, "-c", conf.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            MosquittoBroker broker = new MosquittoBroker(process, port, log);
            try {
                broker.awaitListening();
            } catch (RuntimeException | Error e) {
                broker.close();
                throw new AssertionError("mosquitto did not start; log:\n" + broker.logText(), e);
            }
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> unsupported(BrokerSettings settings) {
        List<String> names = new ArrayList<>();
        if (settings.connectTimeout() != null) {
            names.add("connect timeout");
        }
        if (settings.wildcardSubscriptionsAvailable() != null) {
            names.add("wildcard subscriptions switch");
        }
        if (settings.sharedSubscriptionsAvailable() != null) {
            names.add("shared subscriptions switch");
        }
        if (settings.subscriptionIdentifiersAvailable() != null) {
            names.add("subscription identifiers switch");
        }
        if (settings.queueOverflowPolicy() == QueueOverflowPolicy.DROP_OLDEST) {
            names.add("drop-oldest queue policy");
        }
        if (settings.maximumKeepAlive() != null && settings.maximumKeepAlive().toSeconds() < 10) {
            names.add("max_keepalive below 10 s");
        }
        return names;
    }

    private static String configuration(BrokerSettings settings, int port) {
        StringBuilder conf = new StringBuilder();
        conf.append("per_listener_settings false\n");
        conf.append("allow_anonymous true\n");
        conf.append("persistence false\n");
        conf.append("log_dest stdout\n");
        conf.append("log_type all\n");
        conf.append("connection_messages true\n");
        if (settings.maximumPacketSize() != null) {
            conf.append("max_packet_size ").append(settings.maximumPacketSize()).append('\n');
        }
        // Mosquitto has one number for both directions: the in-flight window towards clients and the Receive
        // Maximum it advertises.
        Integer inflight = settings.maximumInflight() != null ? settings.maximumInflight() : settings.receiveMaximum();
        if (inflight != null) {
            conf.append("max_inflight_messages ").append(inflight).append('\n');
        }
        if (settings.maximumQueuedMessages() != null) {
            conf.append("max_queued_messages ").append(settings.maximumQueuedMessages()).append('\n');
        }
        if (settings.queueQos0WhenOffline() != null) {
            conf.append("queue_qos0_messages ").append(settings.queueQos0WhenOffline()).append('\n');
        }
        if (settings.retainAvailable() != null) {
            conf.append("retain_available ").append(settings.retainAvailable()).append('\n');
        }
        if (settings.maximumKeepAlive() != null) {
            conf.append("max_keepalive ").append(settings.maximumKeepAlive().toSeconds()).append('\n');
        }
        conf.append("listener ").append(port).append(" 127.0.0.1\n");
        if (settings.maximumQos() != null) {
            conf.append("max_qos ").append(settings.maximumQos()).append('\n');
        }
        if (settings.topicAliasMaximum() != null) {
            conf.append("max_topic_alias ").append(settings.topicAliasMaximum()).append('\n');
        }
        return conf.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private void awaitListening() {
        Awaitility.await("mosquitto listening on " + port)
                .dontCatchUncaughtExceptions()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("mosquitto exited with " + process.exitValue());
                    }
                    try (Socket probe = new Socket()) {
                        probe.connect(new InetSocketAddress(host(), port), 200);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public Kind kind() {
        return Kind.MOSQUITTO;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Mosquitto on 127.0.0.1:" + port;
    }
}
