package io.starling.it.transport;

import io.starling.broker.Broker;
import io.starling.broker.config.ListenerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static io.starling.it.transport.Transports.HOST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROXY protocol v1 and v2 headers sent from a raw socket, as a load balancer would, to listeners with and without
 * {@code proxy-protocol}.
 */
class ProxyProtocolListenerTest {
    /** MQTT 3.1.1 CONNECT, client id "p", keep alive 60 s, clean session. */
    private static final byte[] CONNECT = {0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C,
            0x00, 0x01, 'p'};
    private static final byte[] CONNACK_ACCEPTED = {0x20, 0x02, 0x00, 0x00};

    private Broker broker;
    private final Transports.RecordingAuthenticator authenticator = new Transports.RecordingAuthenticator();

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void v1HeaderGivesTheAuthenticatorTheClientsAddress() throws Exception {
        broker = Transports.start(authenticator, new ListenerConfig("lb", HOST, 0).withProxyProtocol(true));

        try (Socket socket = connect()) {
            send(socket, concat("PROXY TCP4 203.0.113.9 127.0.0.1 50505 1883\r\n".getBytes(StandardCharsets.US_ASCII),
                    CONNECT));
            assertThat(readExactly(socket.getInputStream(), 4)).isEqualTo(CONNACK_ACCEPTED);
        }
        assertThat(authenticator.requests).singleElement()
                .satisfies(request -> assertThat(request.remoteAddress())
                        .isEqualTo(new InetSocketAddress("203.0.113.9", 50505)));
    }

    @Test
    void v2HeaderGivesTheAuthenticatorTheClientsAddress() throws Exception {
        broker = Transports.start(authenticator, new ListenerConfig("lb", HOST, 0).withProxyProtocol(true));

        try (Socket socket = connect()) {
            send(socket, concat(v2Tcp6(), CONNECT));
            assertThat(readExactly(socket.getInputStream(), 4)).isEqualTo(CONNACK_ACCEPTED);
        }
        assertThat(authenticator.requests).singleElement()
                .satisfies(request -> assertThat(request.remoteAddress())
                        .isEqualTo(new InetSocketAddress("2001:db8::42", 4242)));
    }

    @Test
    void proxyListenerClosesAPlainMqttConnectionCleanly() throws Exception {
        broker = Transports.start(authenticator, new ListenerConfig("lb", HOST, 0).withProxyProtocol(true));

        try (Transports.ErrorLog log = new Transports.ErrorLog(); Socket socket = connect()) {
            send(socket, CONNECT);

            assertThat(socket.getInputStream().readAllBytes()).as("closed without a CONNACK").isEmpty();
            assertThat(log.errors()).isEmpty();
        }
        assertThat(authenticator.requests).isEmpty();
        assertThat(broker.metrics().proxyProtocolRefusals()).isEqualTo(1);
    }

    @Test
    void proxyListenerClosesAnInvalidHeaderCleanly() throws Exception {
        broker = Transports.start(authenticator, new ListenerConfig("lb", HOST, 0).withProxyProtocol(true));

        try (Transports.ErrorLog log = new Transports.ErrorLog(); Socket socket = connect()) {
            send(socket, concat("PROXY TCP4 999.1.1.1 127.0.0.1 1 2\r\n".getBytes(StandardCharsets.US_ASCII), CONNECT));

            assertThat(socket.getInputStream().readAllBytes()).isEmpty();
            assertThat(log.errors()).isEmpty();
        }
        assertThat(authenticator.requests).isEmpty();
    }

    @Test
    void listenerWithoutProxyProtocolClosesAHeaderCleanly() throws Exception {
        broker = Transports.start(authenticator, new ListenerConfig("direct", HOST, 0));

        for (byte[] header : new byte[][] {
                "PROXY TCP4 203.0.113.9 127.0.0.1 50505 1883\r\n".getBytes(StandardCharsets.US_ASCII), v2Tcp6()}) {
            try (Transports.ErrorLog log = new Transports.ErrorLog(); Socket socket = connect()) {
                send(socket, concat(header, CONNECT));

                assertThat(socket.getInputStream().readAllBytes()).as("closed, no CONNACK at all").isEmpty();
                assertThat(log.errors()).isEmpty();
            }
        }
        assertThat(authenticator.requests).isEmpty();
        assertThat(broker.metrics().proxyProtocolRefusals()).isEqualTo(2);
    }

    /** A v2 header: PROXY, TCP over IPv6, from [2001:db8::42]:4242 to [2001:db8::1]:1883. */
    private static byte[] v2Tcp6() {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        header.write(0x21); // version 2, PROXY
        header.write(0x21); // AF_INET6, STREAM
        header.writeBytes(new byte[] {0x00, 36});
        header.writeBytes(ipv6(0x42));
        header.writeBytes(ipv6(0x01));
        header.writeBytes(new byte[] {0x10, (byte) 0x92}); // 4242
        header.writeBytes(new byte[] {0x07, 0x5B}); // 1883
        return header.toByteArray();
    }

    private static byte[] ipv6(int last) {
        byte[] address = new byte[16];
        address[0] = 0x20;
        address[1] = 0x01;
        address[2] = 0x0D;
        address[3] = (byte) 0xB8;
        address[15] = (byte) last;
        return address;
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(HOST, broker.port());
        socket.setSoTimeout((int) Transports.TIMEOUT.toMillis());
        return socket;
    }

    private static void send(Socket socket, byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    private static byte[] readExactly(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        assertThat(bytes).as("bytes before the connection closed").hasSize(length);
        return bytes;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
