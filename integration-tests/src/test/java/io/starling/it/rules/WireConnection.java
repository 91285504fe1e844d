package io.starling.it.rules;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.starling.codec.MqttPacketDecoder;
import io.starling.codec.MqttPacketEncoder;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PingReq;
import io.starling.codec.packet.PingResp;
import io.starling.codec.packet.Publish;
import io.starling.codec.packet.SubAck;
import io.starling.codec.packet.Subscribe;
import io.starling.codec.packet.SubscriptionOptions;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.property.MqttProperties;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One MQTT connection on a plain socket, for rules whose proof is in the bytes: what a test sends is encoded with
 * the codec (or given as raw bytes when it must be malformed), and what the broker sends back is decoded with the
 * codec in the connection's version, so a test sees every packet exactly as it travelled, with its size.
 *
 * <p>Every read waits at most {@link #TIMEOUT}. PUBLISH payloads come back as unpooled copies, so no packet
 * returned here holds a reference a test would have to release.
 */
final class WireConnection implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final MqttVersion version;
    private final MqttPacketDecoder decoder;
    private final ByteBuf pending = Unpooled.buffer();
    private int lastPacketSize;

    private WireConnection(Socket socket, MqttVersion version) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.version = version;
        this.decoder = new MqttPacketDecoder(MqttPacketDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE, version);
    }

    static WireConnection open(int port, MqttVersion version) {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            return new WireConnection(socket, version);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do: the connect failed already
            }
            throw new AssertionError("cannot connect to 127.0.0.1:" + port, e);
        }
    }

    MqttVersion version() {
        return version;
    }

    // ---- sending ----------------------------------------------------------------------------------------------

    /** Encodes and sends a packet in this connection's version; a PUBLISH is released once encoded. */
    void send(MqttPacket packet) {
        sendBytes(encode(packet, version));
    }

    /** The packet's bytes as the codec writes them in {@code version}; a PUBLISH is released once encoded. */
    static byte[] encode(MqttPacket packet, MqttVersion version) {
        ByteBuf encoded = MqttPacketEncoder.encode(ByteBufAllocator.DEFAULT, packet, version);
        try {
            byte[] bytes = new byte[encoded.readableBytes()];
            encoded.readBytes(bytes);
            return bytes;
        } finally {
            encoded.release();
            if (packet instanceof Publish publish) {
                publish.release();
            }
        }
    }

    /** Sends the chunks as one write, exactly as given. */
    void sendBytes(byte[]... chunks) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            all.writeBytes(chunk);
        }
        try {
            out.write(all.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new AssertionError("send failed: " + e, e);
        }
    }

    // ---- receiving --------------------------------------------------------------------------------------------

    /** The next packet; fails the test when none arrives within {@link #TIMEOUT} or the broker closes. */
    MqttPacket receive() {
        MqttPacket packet = next();
        if (packet == null) {
            throw new AssertionError("the broker closed the connection while a packet was expected");
        }
        return packet;
    }

    /** The next packet, which must be of this type. */
    <T extends MqttPacket> T receive(Class<T> type) {
        MqttPacket packet = receive();
        if (!type.isInstance(packet)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but received " + packet);
        }
        return type.cast(packet);
    }

    /** The size on the wire, fixed header included, of the packet {@link #receive()} returned last. */
    int lastPacketSize() {
        return lastPacketSize;
    }

    /**
     * Sends PINGREQ and returns every packet that arrived before its PINGRESP: the broker answers in order, so this
     * is "nothing (else) was sent" without waiting a fixed time.
     */
    List<MqttPacket> pingAndCollect() {
        send(PingReq.INSTANCE);
        List<MqttPacket> before = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            MqttPacket packet = receive();
            if (packet instanceof PingResp) {
                return before;
            }
            before.add(packet);
        }
        throw new AssertionError("no PINGRESP after 10000 packets: " + before.size());
    }

    /** Reads until the broker closes the connection and returns what arrived first; fails if it stays open. */
    List<MqttPacket> awaitClosed() {
        List<MqttPacket> before = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            MqttPacket packet = next();
            if (packet == null) {
                return before;
            }
            before.add(packet);
        }
        throw new AssertionError("the broker kept sending and did not close: " + before.size() + " packets");
    }

    /** Reads raw bytes until the broker closes the connection; for answers that must be checked byte by byte. */
    byte[] rawBytesUntilClosed() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(ByteBufUtil.getBytes(pending));
        pending.clear();
        byte[] chunk = new byte[1024];
        try {
            while (true) {
                int read = in.read(chunk);
                if (read < 0) {
                    return all.toByteArray();
                }
                all.write(chunk, 0, read);
                if (all.size() > 1 << 20) {
                    throw new AssertionError("more than 1 MiB arrived and the connection is still open");
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the broker did not close the connection within " + TIMEOUT
                    + "; received " + all.size() + " bytes", e);
        } catch (IOException e) {
            return all.toByteArray(); // a reset is a close too
        }
    }

    /** The next packet, or null when the broker closed the connection. Fails on a timeout. */
    private MqttPacket next() {
        byte[] chunk = new byte[4096];
        for (int reads = 0; reads < 1_000_000; reads++) {
            int before = pending.readerIndex();
            MqttPacket packet = decoder.decode(pending);
            if (packet != null) {
                lastPacketSize = pending.readerIndex() - before;
                pending.discardReadBytes();
                return packet instanceof Publish publish ? copyOf(publish) : packet;
            }
            int read;
            try {
                read = in.read(chunk);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("nothing arrived within " + TIMEOUT, e);
            } catch (IOException e) {
                return null; // connection reset: closed
            }
            if (read < 0) {
                return null;
            }
            pending.writeBytes(chunk, 0, read);
        }
        throw new AssertionError("no complete packet after a million reads");
    }

    private static Publish copyOf(Publish publish) {
        ByteBuf copy = Unpooled.copiedBuffer(publish.payload());
        publish.release();
        return new Publish(publish.topic(), publish.qos(), publish.retainFlag(), publish.dup(), publish.packetId(),
                publish.properties(), copy);
    }

    // ---- conveniences -----------------------------------------------------------------------------------------

    /** Sends CONNECT and returns the CONNACK, whatever its reason code. */
    ConnAck connect(Connect connect) {
        send(connect);
        return receive(ConnAck.class);
    }

    /** A CONNECT without will, user name or password. */
    static Connect connectPacket(MqttVersion version, String clientId, boolean cleanStart, MqttProperties properties) {
        return new Connect(version, clientId, cleanStart, 0, null, null, null, properties);
    }

    /** Connects and requires CONNACK 0x00. */
    ConnAck connectOk(String clientId, boolean cleanStart, MqttProperties properties) {
        ConnAck connAck = connect(connectPacket(version, clientId, cleanStart, properties));
        if (connAck.reasonCode().isError()) {
            throw new AssertionError("CONNECT of " + clientId + " refused: " + connAck);
        }
        return connAck;
    }

    /** Subscribes to one filter and requires a SUBACK with the same identifier. */
    SubAck subscribe(int packetId, String filter, QoS qos, MqttProperties properties) {
        send(new Subscribe(packetId, List.of(new TopicSubscription(filter, SubscriptionOptions.of(qos))), properties));
        SubAck subAck = receive(SubAck.class);
        if (subAck.packetId() != packetId) {
            throw new AssertionError("SUBACK " + subAck.packetId() + " for SUBSCRIBE " + packetId);
        }
        return subAck;
    }

    SubAck subscribe(int packetId, String filter, QoS qos) {
        return subscribe(packetId, filter, qos, MqttProperties.EMPTY);
    }

    /** A PUBLISH this connection can send; the payload is UTF-8 text. */
    static Publish publish(String topic, QoS qos, int packetId, String payload, MqttProperties properties) {
        return new Publish(topic, qos, false, false, packetId, properties,
                Unpooled.wrappedBuffer(payload.getBytes(StandardCharsets.UTF_8)));
    }

    static String text(Publish publish) {
        return publish.payload().toString(StandardCharsets.UTF_8);
    }

    /** Closes the socket without DISCONNECT: to the broker, a lost connection. */
    @Override
    public void close() {
        if (pending.refCnt() > 0) {
            pending.release();
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket that is already gone
        }
    }
}
