package io.starling.it.kit;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A byte-level MQTT client on a plain socket: it sends whatever bytes a test gives it and reads back whole
 * packets, so tests can send malformed or out-of-order input and see exactly what the server answers.
 * Every read has a deadline; nothing here blocks without one.
 */
public final class RawClient implements AutoCloseable {
    /** How long a read waits by default: generous for a loaded 2-core machine, short enough to fail fast. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ProtocolVersion version;

    private RawClient(Socket socket, ProtocolVersion version) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.version = version;
    }

    public static RawClient open(BrokerUnderTest broker, ProtocolVersion version) {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(broker.host(), broker.port()), 2_000);
            return new RawClient(socket, version);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new AssertionError("cannot connect to " + broker, e);
        }
    }

    public ProtocolVersion version() {
        return version;
    }

    public boolean v5() {
        return version.isV5();
    }

    /** Sends the bytes as they are. */
    public RawClient send(byte[]... chunks) {
        try {
            for (byte[] chunk : chunks) {
                out.write(chunk);
            }
            out.flush();
            return this;
        } catch (IOException e) {
            throw new AssertionError("send failed: " + e, e);
        }
    }

    /** Sends CONNECT and returns the CONNACK, whatever its reason code. */
    public RawPacket.ConnAck connect(Packets.ConnectBuilder connect) {
        send(connect.build());
        return read().connAck(v5());
    }

    /** Sends CONNECT and requires a successful CONNACK. */
    public RawPacket.ConnAck connectOk(Packets.ConnectBuilder connect) {
        RawPacket.ConnAck connAck = connect(connect);
        if (connAck.reasonCode() != 0) {
            throw new AssertionError("CONNECT refused: " + connAck);
        }
        return connAck;
    }

    /** Subscribes to one filter and returns the SUBACK. */
    public RawPacket.SubAck subscribe(int packetId, String filter, int options) {
        send(Packets.subscribe(version, packetId, filter, options));
        RawPacket.SubAck subAck = read().subAck(v5());
        if (subAck.packetId() != packetId) {
            throw new AssertionError("SUBACK for packet " + subAck.packetId() + ", expected " + packetId);
        }
        return subAck;
    }

    public RawPacket read() {
        return read(DEFAULT_TIMEOUT);
    }

    /** The next packet; fails if the connection closes or nothing arrives in time. */
    public RawPacket read(Duration timeout) {
        try {
            RawPacket packet = readPacket(timeout);
            if (packet == null) {
                throw new AssertionError("connection closed by the server while waiting for a packet");
            }
            return packet;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no packet within " + timeout.toMillis() + " ms");
        }
    }

    public RawPacket.Publish readPublish() {
        return read().publish(v5());
    }

    /** The next packet, which must be of the given type. */
    public RawPacket read(int expectedType) {
        RawPacket packet = read();
        if (packet.type() != expectedType) {
            throw new AssertionError("expected " + RawPacket.typeName(expectedType) + " but got " + packet);
        }
        return packet;
    }

    /** The next packet, or empty when none arrives within the timeout; fails if the connection closes. */
    public Optional<RawPacket> poll(Duration timeout) {
        try {
            RawPacket packet = readPacket(timeout);
            if (packet == null) {
                throw new AssertionError("connection closed by the server");
            }
            return Optional.of(packet);
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        }
    }

    /**
     * Sends PINGREQ and returns every packet that arrives before the PINGRESP. The server handles a connection's
     * input in order, so whatever it had decided to send before reading the PINGREQ is in the returned list.
     */
    public List<RawPacket> readUntilPingResp() {
        send(Packets.pingReq());
        List<RawPacket> before = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            RawPacket packet = read();
            if (packet.type() == RawPacket.PINGRESP) {
                return before;
            }
            before.add(packet);
        }
        throw new AssertionError("no PINGRESP among 10000 packets");
    }

    /**
     * Waits until the server closes the connection and returns the packets it sent before closing (for example a
     * DISCONNECT). Fails if the connection is still open at the deadline.
     */
    public List<RawPacket> awaitClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<RawPacket> received = new ArrayList<>();
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new AssertionError("connection still open after " + timeout.toMillis() + " ms; received "
                        + received);
            }
            try {
                RawPacket packet = readPacket(Duration.ofNanos(remaining));
                if (packet == null) {
                    return received;
                }
                received.add(packet);
                if (received.size() > 10_000) {
                    throw new AssertionError("server keeps sending instead of closing");
                }
            } catch (SocketTimeoutException e) {
                // loop: the deadline check fails the test
            }
        }
    }

    public List<RawPacket> awaitClosed() {
        return awaitClosed(DEFAULT_TIMEOUT);
    }

    /**
     * Reads one packet. Returns null on end of stream or reset (the server closed the connection); throws
     * SocketTimeoutException when no first byte arrives in time.
     */
    private RawPacket readPacket(Duration timeout) throws SocketTimeoutException {
        try {
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            int first = in.read();
            if (first < 0) {
                return null;
            }
            // The rest of the packet is already on its way: give it the default time.
            socket.setSoTimeout((int) DEFAULT_TIMEOUT.toMillis());
            int length = 0;
            int multiplier = 1;
            for (int i = 0; ; i++) {
                int digit = in.read();
                if (digit < 0) {
                    throw new EOFException("end of stream inside a fixed header");
                }
                length += (digit & 0x7F) * multiplier;
                if ((digit & 0x80) == 0) {
                    break;
                }
                if (i == 3) {
                    throw new AssertionError("server sent a remaining length longer than 4 bytes");
                }
                multiplier *= 128;
            }
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new EOFException("end of stream inside a packet body");
            }
            return new RawPacket(first, body);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (SocketException e) {
            return null; // connection reset by the server: closed
        } catch (EOFException e) {
            throw new AssertionError("server closed the connection in the middle of a packet", e);
        } catch (IOException e) {
            throw new AssertionError("read failed: " + e, e);
        }
    }

    /** Closes the socket without DISCONNECT, as a crashed client would. */
    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
    }
}
