package io.starling.it.features;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.starling.codec.MqttPacketDecoder;
import io.starling.codec.MqttPacketEncoder;
import io.starling.codec.MqttVersion;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.Publish;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * A bare MQTT 5 connection for tests that must see exactly what the broker puts on the wire (a topic alias, an
 * empty topic). Valid packets are written with the codec; what comes back is decoded with it and returned with
 * PUBLISH payloads copied, so nothing here holds a buffer.
 */
final class WireClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final MqttPacketDecoder decoder = new MqttPacketDecoder(MqttPacketDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE,
            MqttVersion.MQTT_5);

    /**
     * Lets the broker's own clock show that at least {@code seconds} have passed: a throwaway MQTT 5 connection with
     * a will delayed by that long drops without DISCONNECT; the caller waits for the will on {@code topic}. Used
     * where a rule is about time (expiry) and nothing else could be awaited.
     */
    static void startBrokerClock(int port, String topic, long seconds) throws IOException {
        WireClient timer = new WireClient(port, Duration.ofSeconds(10));
        timer.send(new io.starling.codec.packet.Connect(MqttVersion.MQTT_5, "clock-" + java.util.UUID.randomUUID(), true,
                0, null, null,
                new io.starling.codec.packet.Will(topic, "tick".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        io.starling.codec.QoS.AT_LEAST_ONCE, false,
                        io.starling.codec.property.MqttProperties.builder().willDelayInterval(seconds).build()),
                io.starling.codec.property.MqttProperties.builder().sessionExpiryInterval(seconds + 60).build()));
        timer.receive(); // CONNACK
        timer.close();   // no DISCONNECT: the will is due after its delay
    }
    private final ByteBuf pending = Unpooled.buffer();

    WireClient(int port, Duration timeout) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
        socket.setSoTimeout((int) timeout.toMillis());
        in = socket.getInputStream();
    }

    void send(MqttPacket packet) throws IOException {
        ByteBuf encoded = MqttPacketEncoder.encode(ByteBufAllocator.DEFAULT, packet, MqttVersion.MQTT_5);
        try {
            byte[] bytes = new byte[encoded.readableBytes()];
            encoded.readBytes(bytes);
            socket.getOutputStream().write(bytes);
        } finally {
            encoded.release();
        }
    }

    /** The next packet, waiting up to the socket timeout. A PUBLISH comes back with an unpooled copy of its payload. */
    MqttPacket receive() throws IOException {
        byte[] chunk = new byte[4096];
        while (true) {
            MqttPacket packet = decoder.decode(pending);
            if (packet != null) {
                pending.discardReadBytes();
                if (packet instanceof Publish publish) {
                    ByteBuf copy = Unpooled.copiedBuffer(publish.payload());
                    publish.release();
                    return new Publish(publish.topic(), publish.qos(), publish.retainFlag(), publish.dup(),
                            publish.packetId(), publish.properties(), copy);
                }
                return packet;
            }
            int read = in.read(chunk);
            if (read < 0) {
                throw new IOException("connection closed by the broker");
            }
            pending.writeBytes(chunk, 0, read);
        }
    }

    @Override
    public void close() throws IOException {
        pending.release();
        socket.close();
    }
}
