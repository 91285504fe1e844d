package io.starling.it.fuzz;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import io.starling.codec.MqttPacketEncoder;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.Publish;
import io.starling.codec.packet.Subscribe;
import io.starling.codec.packet.SubscriptionOptions;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.property.MqttProperties;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Malformed input through the real network path: many connections send random bytes, or a valid CONNECT followed by
 * a mutated valid packet, to a running broker, while a well-behaved client stays connected. Afterwards that client
 * must still publish and receive, the broker must still accept new connections, and (through the leak-detection
 * extension) no buffer may have leaked. Bad input must never take the broker down or touch other clients.
 *
 * <p>Bounded: {@code wire.fuzz.connections} connections (default 300), each with short socket timeouts; the seed is
 * printed so that a failure can be replayed with {@code -Dwire.fuzz.seed=...}.
 */
class WireFuzzTest {
    private static Broker broker;
    private static Mqtt5BlockingClient bystander;
    private static Mqtt5BlockingClient.Mqtt5Publishes bystanderInbox;

    @BeforeAll
    static void start() {
        broker = Broker.start(BrokerConfig.DEFAULT.withListener("127.0.0.1", 0));
        bystander = Mqtt5Client.builder().identifier("bystander").serverHost("127.0.0.1").serverPort(broker.port())
                .buildBlocking();
        bystander.connect();
        bystanderInbox = bystander.publishes(MqttGlobalPublishFilter.ALL);
        bystander.subscribeWith().topicFilter("fuzz/#").qos(MqttQos.AT_LEAST_ONCE).send();
    }

    @AfterAll
    static void stop() {
        bystanderInbox.close();
        bystander.disconnect();
        broker.close();
    }

    @Test
    void malformedAndMutatedInputNeverHurtsTheBrokerOrOtherClients() throws Exception {
        long seed = Long.getLong("wire.fuzz.seed", System.nanoTime());
        int connections = Integer.getInteger("wire.fuzz.connections", 300);
        System.out.println("WireFuzzTest seed " + seed + ", " + connections + " connections");
        Random random = new Random(seed);
        List<byte[]> valid = validPackets();
        for (int i = 0; i < connections; i++) {
            byte[] input = random.nextInt(4) == 0 ? randomBytes(random) : mutated(random, valid);
            boolean withConnect = random.nextBoolean();
            sendAndDrain(withConnect ? concat(encode(connect("fuzz-" + i)), input) : input);
            if (i % 50 == 49) {
                assertBystanderStillWorks("round-" + i);
            }
        }
        assertBystanderStillWorks("final");
    }

    private static void assertBystanderStillWorks(String marker) throws Exception {
        bystander.publishWith().topic("fuzz/marker").qos(MqttQos.AT_LEAST_ONCE)
                .payload(marker.getBytes(StandardCharsets.UTF_8)).send();
        // Fuzz connections may have published to fuzz/# themselves: skip to the marker, bounded.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Optional<com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish> received =
                    bystanderInbox.receive(1, TimeUnit.SECONDS);
            if (received.isPresent()
                    && new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8).equals(marker)) {
                return;
            }
        }
        throw new AssertionError("the bystander stopped receiving after fuzz input (marker " + marker + ")");
    }

    /** Writes the bytes, then reads until the broker closes or goes quiet; never hangs. */
    private static void sendAndDrain(byte[] bytes) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", broker.port()), 2000);
            socket.setSoTimeout(300);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException closedWhileWriting) {
                return; // the broker closed on a bad prefix: that is a valid reaction
            }
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[4096];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            try {
                while (System.nanoTime() < deadline && in.read(sink) >= 0) {
                    // keep reading until closed or quiet
                }
            } catch (SocketTimeoutException quiet) {
                // the broker waits for more bytes: fine, the socket is closed now
            } catch (IOException reset) {
                // reset by the broker: fine
            }
        }
    }

    private static List<byte[]> validPackets() {
        return List.of(
                encode(new Publish("fuzz/a", QoS.AT_LEAST_ONCE, false, false, 7,
                        MqttProperties.builder().contentType("text/plain").addUserProperty("k", "v").build(),
                        Unpooled.wrappedBuffer("hello".getBytes(StandardCharsets.UTF_8)))),
                encode(new Publish("fuzz/b", QoS.EXACTLY_ONCE, true, false, 9, MqttProperties.EMPTY,
                        Unpooled.wrappedBuffer(new byte[] {1, 2, 3}))),
                encode(new Subscribe(3, List.of(new TopicSubscription("fuzz/+", SubscriptionOptions.of(QoS.EXACTLY_ONCE))),
                        MqttProperties.builder().addSubscriptionIdentifier(5).build())),
                encode(connect("mutant")));
    }

    private static Connect connect(String clientId) {
        return new Connect(MqttVersion.MQTT_5, clientId, true, 30, null, null, null, MqttProperties.EMPTY);
    }

    private static byte[] encode(MqttPacket packet) {
        ByteBuf buffer = MqttPacketEncoder.encode(ByteBufAllocator.DEFAULT, packet, MqttVersion.MQTT_5);
        try {
            byte[] bytes = new byte[buffer.readableBytes()];
            buffer.getBytes(buffer.readerIndex(), bytes);
            return bytes;
        } finally {
            buffer.release();
            if (packet instanceof Publish publish) {
                publish.release();
            }
        }
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(64)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A valid packet with a few bytes flipped, inserted, cut or overwritten with boundary values. */
    private static byte[] mutated(Random random, List<byte[]> valid) {
        byte[] bytes = valid.get(random.nextInt(valid.size())).clone();
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && bytes.length > 0; m++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(4)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[at] = (byte) (random.nextBoolean() ? 0xFF : 0x00);
                case 2 -> bytes = java.util.Arrays.copyOf(bytes, at + 1);
                default -> {
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
            }
        }
        return bytes;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
