package io.starling.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay between an in-process Java client and the broker, so that a test can cut the network
 * connection under the client: {@link #cut()} closes both sockets at once, and the broker sees the connection end
 * without DISCONNECT, exactly as when a device loses power. The HiveMQ client has no way to drop its connection
 * silently, and the same relay serves the Paho clients so that all Java clients "crash" the same way.
 *
 * <p>Bytes are copied as they come; an end of stream on one side is passed on as a half-close, so a normal
 * DISCONNECT followed by the client's close reaches the broker in that order.
 */
final class Relay implements AutoCloseable {
    /** A Java client makes one connection per relay; a few more are tolerated, never an unbounded number. */
    private static final int MAX_CONNECTIONS = 4;

    private final ServerSocket server;
    private final String upstreamHost;
    private final int upstreamPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;

    private Relay(ServerSocket server, String upstreamHost, int upstreamPort) {
        this.server = server;
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
    }

    /** Starts a relay on a free loopback port towards {@code host:port}. */
    static Relay to(String host, int port, String name) {
        try {
            ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
            Relay relay = new Relay(server, host, port);
            Thread acceptor = new Thread(relay::accept, "relay-accept " + name);
            acceptor.setDaemon(true);
            acceptor.start();
            return relay;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a relay towards " + host + ":" + port, e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        for (int accepted = 0; accepted < MAX_CONNECTIONS && !cut; accepted++) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return; // cut() or close()
            }
            try {
                Socket upstream = new Socket(upstreamHost, upstreamPort);
                upstream.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                if (cut) {
                    closeAll();
                    return;
                }
                pump(client, upstream, "to broker");
                pump(upstream, client, "to client");
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread thread = new Thread(() -> copy(from, to), "relay " + direction + " :" + port());
        thread.setDaemon(true);
        thread.start();
    }

    /** Copies until end of stream (then half-closes the other side) or until a socket is closed. */
    private static void copy(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException closed) {
            // one side was cut or reset: the other one goes too
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** Drops the network connection: both sides see it end, nothing more is relayed. */
    void cut() {
        cut = true;
        closeQuietly(server);
        closeAll();
    }

    private void closeAll() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }

    @Override
    public void close() {
        cut();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
