package io.starling.it.storage;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nothing acknowledged is lost when the broker process is killed. The broker runs in a JVM of its own with a
 * RocksDB store in {@code sync} mode; publishers send numbered QoS 1 and QoS 2 messages to persistent subscribers,
 * some connected and some offline; the broker gets SIGKILL once a random number of messages has been acknowledged,
 * is started again on the same directory, and again killed, for several rounds. In the end every subscriber has
 * every message a publisher had acknowledged (QoS 1 at least once, QoS 2 exactly once), nothing that was never
 * published, and the retained message and the sessions are intact.
 *
 * <p>The connected subscribers keep their client object, and with it their half of the session state, across the
 * crashes (as a real client with a persistent session does): exactly once needs both sides.
 */
class CrashRecoveryTest {
    private static final int PUBLISHERS = 3;
    /** Messages each publisher has sent and not yet seen acknowledged. */
    private static final int WINDOW = 64;
    private static final int ROUNDS = 3;
    private static final int MAX_MESSAGES_PER_PUBLISHER_AND_ROUND = 2_000;
    private static final Duration ROUND_TIME_LIMIT = Duration.ofSeconds(30);
    private static final List<String> ONLINE = List.of("online-1", "online-2");
    private static final List<String> OFFLINE = List.of("offline-1", "offline-2");

    @TempDir
    Path work;

    private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();
    /** Every message a publisher tried to send, and the QoS it was sent at. */
    private final Map<String, Integer> attempted = new ConcurrentHashMap<>();
    /** Every message whose publisher got its acknowledgement (PUBACK; PUBCOMP after PUBREC for QoS 2). */
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // three broker JVMs started and killed, and the deliveries drained
    void acknowledgedMessagesSurviveSigkillAtRandomMoments() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int port = freePort();
        Path data = work.resolve("data");
        Path config = Files.writeString(work.resolve("starling.yaml"), """
                listeners:
                  - port: %d
                session:
                  maximum-queued-messages: 1000000
                  maximum-queued-bytes: 1000000000
                storage:
                  durability: sync
                  data-directory: %s
                """.formatted(port, data));
        String uri = "tcp://127.0.0.1:" + port;

        BrokerProcess broker = BrokerProcess.start(config, work.resolve("broker-0.log"));
        try (MqttClient setup = new MqttClient(uri, "setup", new MemoryPersistence())) {
            setup.connect(options(true));
            setup.publish("crash/retained", "last known value".getBytes(StandardCharsets.UTF_8), 1, true);
            setup.disconnect();
        }
        for (String id : OFFLINE) {
            Subscriber offline = Subscriber.connect(uri, id);
            offline.disconnect(); // the session stays, subscribed, and collects messages while offline
        }
        for (String id : ONLINE) {
            subscribers.put(id, Subscriber.connect(uri, id));
        }

        for (int round = 0; round < ROUNDS; round++) {
            int killAfter = 200 + random.nextInt(1_000);
            runPublishersUntilKilled(uri, round, killAfter, broker);
            broker = BrokerProcess.start(config, work.resolve("broker-" + (round + 1) + ".log"));
            for (String id : ONLINE) {
                subscribers.get(id).reconnect();
            }
        }

        for (String id : OFFLINE) {
            Subscriber back = Subscriber.connect(uri, id);
            assertThat(back.sessionPresent).as("session of %s kept (seed %d)", id, seed).isTrue();
            subscribers.put(id, back);
        }
        try {
            for (Subscriber subscriber : subscribers.values()) {
                awaitEveryAcknowledgedMessage(subscriber, seed);
            }
            assertThat(acknowledged).as("messages acknowledged over %d rounds", ROUNDS).hasSizeGreaterThan(300);
            for (Subscriber subscriber : subscribers.values()) {
                assertDelivery(subscriber, seed);
            }
            try (MqttClient late = new MqttClient(uri, "late", new MemoryPersistence())) {
                List<String> retained = new ArrayList<>();
                late.setCallback(collector(retained));
                late.connect(options(true));
                late.subscribe("crash/retained", 1);
                await("retained message restored").until(() -> retained.contains("last known value"));
                late.disconnect();
            }
        } finally {
            for (Subscriber subscriber : subscribers.values()) {
                subscriber.close();
            }
            broker.kill();
        }
    }

    private void awaitEveryAcknowledgedMessage(Subscriber subscriber, long seed) {
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> subscriber.received.keySet().containsAll(acknowledged));
        } catch (ConditionTimeoutException timeout) {
            List<String> missing = acknowledged.stream().filter(m -> !subscriber.received.containsKey(m)).sorted()
                    .toList();
            throw new AssertionError(subscriber.clientId + " never received " + missing.size() + " of "
                    + acknowledged.size() + " acknowledged messages (seed " + seed + "), for example "
                    + missing.subList(0, Math.min(10, missing.size())));
        }
    }

    private void assertDelivery(Subscriber subscriber, long seed) {
        for (Map.Entry<String, AtomicInteger> entry : subscriber.received.entrySet()) {
            String message = entry.getKey();
            assertThat(attempted).as("%s received %s, which was never published (seed %d)", subscriber.clientId,
                    message, seed).containsKey(message);
            if (attempted.get(message) == 2) {
                assertThat(entry.getValue().get()).as("QoS 2 %s at %s exactly once (seed %d)", message,
                        subscriber.clientId, seed).isEqualTo(1);
            }
        }
    }

    /** Publishers send until {@code killAfter} messages are acknowledged in this round; then the broker dies. */
    private void runPublishersUntilKilled(String uri, int round, int killAfter, BrokerProcess broker)
            throws Exception {
        AtomicInteger acknowledgedThisRound = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            String publisherId = "publisher-" + p;
            Thread thread = new Thread(() -> publish(uri, publisherId, round, acknowledgedThisRound, stop),
                    publisherId + "-round-" + round);
            threads.add(thread);
            thread.start();
        }
        try {
            await("round " + round + ": " + killAfter + " messages acknowledged").atMost(ROUND_TIME_LIMIT)
                    .until(() -> acknowledgedThisRound.get() >= killAfter);
        } finally {
            broker.kill(); // SIGKILL at whatever the broker is doing now
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
    }

    /**
     * Publishes with up to {@link #WINDOW} messages awaiting their acknowledgement, so that the broker always has
     * writes on their way to disk when it is killed: a broker that acknowledged before its write completed would
     * lose some of them here.
     */
    private void publish(String uri, String publisherId, int round, AtomicInteger acknowledgedThisRound,
                         AtomicBoolean stop) {
        Semaphore window = new Semaphore(WINDOW);
        try (MqttAsyncClient client = new MqttAsyncClient(uri, publisherId + "-" + round, new MemoryPersistence())) {
            client.connect(options(true)).waitForCompletion(10_000);
            for (int sequence = 0; sequence < MAX_MESSAGES_PER_PUBLISHER_AND_ROUND && !stop.get(); sequence++) {
                if (!window.tryAcquire(10, TimeUnit.SECONDS) || !client.isConnected()) {
                    return;
                }
                int qos = sequence % 2 == 0 ? 1 : 2;
                String message = publisherId + "/" + round + "/" + sequence;
                attempted.put(message, qos);
                client.publish("crash/" + publisherId, message.getBytes(StandardCharsets.UTF_8), qos, false, null,
                        new IMqttActionListener() {
                            @Override
                            public void onSuccess(IMqttToken token) {
                                acknowledged.add(message);
                                acknowledgedThisRound.incrementAndGet();
                                window.release();
                            }

                            @Override
                            public void onFailure(IMqttToken token, Throwable cause) {
                                window.release();
                            }
                        });
            }
        } catch (MqttException | InterruptedException e) {
            // the broker was killed under this publisher: what it acknowledged so far is what counts
        }
    }

    private static MqttConnectOptions options(boolean cleanSession) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(cleanSession);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        options.setMaxInflight(1000);
        return options;
    }

    private static MqttCallback collector(List<String> into) {
        return new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                synchronized (into) {
                    into.add(new String(message.getPayload(), StandardCharsets.UTF_8));
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        };
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** A persistent subscriber to {@code crash/#} at QoS 2 that counts every message it receives. */
    private static final class Subscriber implements AutoCloseable {
        final String clientId;
        final MqttClient client;
        final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        boolean sessionPresent;

        private Subscriber(String uri, String clientId) throws MqttException {
            this.clientId = clientId;
            this.client = new MqttClient(uri, clientId, new MemoryPersistence());
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    if (topic.startsWith("crash/publisher-")) {
                        received.computeIfAbsent(new String(message.getPayload(), StandardCharsets.UTF_8),
                                key -> new AtomicInteger()).incrementAndGet();
                    }
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
        }

        static Subscriber connect(String uri, String clientId) throws MqttException {
            Subscriber subscriber = new Subscriber(uri, clientId);
            subscriber.sessionPresent = subscriber.client.connectWithResult(options(false)).getSessionPresent();
            if (!subscriber.sessionPresent) {
                subscriber.client.subscribe("crash/#", 2);
            }
            return subscriber;
        }

        /** The same client object connects again: its own half of the session (QoS 2 state) carries over. */
        void reconnect() {
            await(clientId + " reconnects").atMost(Duration.ofSeconds(30)).until(() -> {
                if (client.isConnected()) {
                    return true;
                }
                try {
                    sessionPresent = client.connectWithResult(options(false)).getSessionPresent();
                    return true;
                } catch (MqttException notYet) {
                    return false;
                }
            });
            assertThat(sessionPresent).as("session of %s survived the crash", clientId).isTrue();
        }

        void disconnect() throws MqttException {
            client.disconnect();
        }

        @Override
        public void close() {
            try {
                if (client.isConnected()) {
                    client.disconnect();
                }
                client.close();
            } catch (MqttException ignored) {
                // closing after the test: nothing to report
            }
        }
    }

    /** {@code starling broker} in its own JVM, on the test's classpath. */
    private record BrokerProcess(Process process) {

        static BrokerProcess start(Path config, Path log) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // The command's own logback.xml (INFO to stdout), not the test classpath's quiet logback-test.xml.
            Process process = new ProcessBuilder(java, "-Xmx256m", "-Dlogback.configurationFile=logback.xml",
                    "-cp", System.getProperty("java.class.path"),
                    "io.starling.cli.StarlingCommand", "broker", "--config", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            BrokerProcess broker = new BrokerProcess(process);
            await("broker listening (log " + log + ")").atMost(Duration.ofSeconds(60))
                    .until(() -> !process.isAlive() || Files.readString(log).contains(" listening on "));
            assertThat(process.isAlive()).as("broker started: %s", Files.readString(log)).isTrue();
            return broker;
        }

        /** SIGKILL: no shutdown hook, no flush, no goodbye. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
