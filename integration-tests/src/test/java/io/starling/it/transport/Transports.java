package io.starling.it.transport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.Authenticator;
import io.starling.broker.spi.Authorizer;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the transport tests share: starting a broker on given listeners, Paho round trips, child processes. */
final class Transports {
    static final String HOST = "127.0.0.1";
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Transports() {
    }

    /** A broker with these listeners and every other setting at its default. */
    static Broker start(ListenerConfig... listeners) {
        return start(Authenticator.ALLOW_ANONYMOUS, listeners);
    }

    static Broker start(Authenticator authenticator, ListenerConfig... listeners) {
        return Broker.start(new BrokerConfig(List.of(listeners), null, null, null, null), authenticator,
                Authorizer.ALLOW_ALL);
    }

    /** Lets everyone in, keeping what each CONNECT looked like to the authenticator. */
    static final class RecordingAuthenticator implements Authenticator {
        final List<AuthenticationRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public java.util.concurrent.CompletionStage<io.starling.broker.spi.AuthenticationResult> authenticate(
                AuthenticationRequest request) {
            requests.add(request);
            return Authenticator.ALLOW_ANONYMOUS.authenticate(request);
        }
    }

    static MqttConnectOptions options() {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setConnectionTimeout(10);
        options.setAutomaticReconnect(false);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        return options;
    }

    /**
     * Connects to {@code uri} ({@code ssl://}, {@code ws://}, {@code wss://}, {@code tcp://}), subscribes, publishes
     * a QoS 1 message to itself and checks it arrives.
     */
    static void pahoRoundTrip(String uri, MqttConnectOptions options) throws Exception {
        String topic = "transport/" + UUID.randomUUID();
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        MqttClient client = new MqttClient(uri, "paho-" + UUID.randomUUID(), new MemoryPersistence());
        try {
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String arrivedTopic, MqttMessage message) {
                    received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            client.connect(options);
            client.subscribe(topic, 1);
            // Larger than one TCP segment and than a small WebSocket frame: exercises reassembly on every transport.
            String payload = "hello over " + uri + " " + "x".repeat(70_000);
            client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(payload);
            client.disconnect();
        } finally {
            closeQuietly(client);
        }
    }

    /** Tries to connect; returns the failure, or fails the test if the connection was accepted. */
    static MqttException pahoConnectFailure(String uri, MqttConnectOptions options) throws MqttException {
        MqttClient client = new MqttClient(uri, "paho-" + UUID.randomUUID(), new MemoryPersistence());
        try {
            client.connect(options);
            client.disconnect();
            throw new AssertionError("connection to " + uri + " was accepted");
        } catch (MqttException expected) {
            return expected;
        } finally {
            closeQuietly(client);
        }
    }

    static void closeQuietly(MqttClient client) {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(1000, 1000);
            }
            client.close();
        } catch (MqttException ignored) {
            // already closed
        }
    }

    /** A finished child process: exit code and output (stdout and stderr). */
    record Run(int exitCode, String output) {
    }

    /** Runs a command to its end, killed after {@link #TIMEOUT} (which fails the test). */
    static Run run(Path workDir, String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(workDir, "run", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " still running after " + TIMEOUT + ": "
                    + Files.readString(output));
        }
        return new Run(process.exitValue(), Files.readString(output));
    }

    static List<String> command(String... parts) {
        return new ArrayList<>(List.of(parts));
    }

    /** Collects every ERROR the broker (or anything else) logs while open. */
    static final class ErrorLog implements AutoCloseable {
        private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        ErrorLog() {
            appender.start();
            root.addAppender(appender);
        }

        List<String> errors() {
            return appender.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.ERROR))
                    .map(event -> event.getLoggerName() + ": " + event.getFormattedMessage()).toList();
        }

        @Override
        public void close() {
            root.detachAppender(appender);
            appender.stop();
        }
    }
}
