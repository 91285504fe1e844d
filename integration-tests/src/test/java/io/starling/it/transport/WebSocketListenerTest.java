package io.starling.it.transport;

import io.starling.broker.Broker;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.config.ListenerType;
import io.starling.broker.config.TlsConfig;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static io.starling.it.transport.Transports.HOST;
import static org.assertj.core.api.Assertions.assertThat;

/** WebSocket listeners ({@code ws}, {@code wss}) with Eclipse Paho Java, and every transport on one broker. */
class WebSocketListenerTest {
    @TempDir
    Path dir;
    private Broker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void pahoOverWs() throws Exception {
        broker = Transports.start(ListenerConfig.of("ws", ListenerType.WS, HOST, 0, TlsConfig.DEFAULT));

        Transports.pahoRoundTrip("ws://" + HOST + ":" + broker.port() + "/mqtt", Transports.options());
    }

    @Test
    void pahoOverWss() throws Exception {
        Pki pki = Pki.create(dir, "ws");
        Pki.Issued server = pki.server("server");
        broker = Transports.start(ListenerConfig.of("wss", ListenerType.WSS, HOST, 0,
                TlsConfig.of(server.cert(), server.key())));
        MqttConnectOptions options = Transports.options();
        options.setSocketFactory(Pki.clientContext(pki, null, "TLS").getSocketFactory());

        Transports.pahoRoundTrip("wss://" + HOST + ":" + broker.port() + "/mqtt", options);
    }

    @Test
    void configuredPathIsServedAndOthersGet404() throws Exception {
        broker = Transports.start(ListenerConfig.of("ws", ListenerType.WS, HOST, 0, TlsConfig.DEFAULT)
                .withWebsocketPath("/brokers/mqtt"));

        Transports.pahoRoundTrip("ws://" + HOST + ":" + broker.port() + "/brokers/mqtt", Transports.options());
        try (Socket socket = new Socket(HOST, broker.port())) {
            socket.setSoTimeout((int) Transports.TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET /mqtt HTTP/1.1\r\nHost: " + HOST + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: mqtt\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 404").contains("/brokers/mqtt");
        }
    }

    @Test
    void handshakeSelectsTheMqttSubprotocol() throws Exception {
        broker = Transports.start(ListenerConfig.of("ws", ListenerType.WS, HOST, 0, TlsConfig.DEFAULT));
        try (Socket socket = new Socket(HOST, broker.port())) {
            socket.setSoTimeout((int) Transports.TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET /mqtt HTTP/1.1\r\nHost: " + HOST + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: mqttv3.1, mqtt\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(socket.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 101");
            // The first subprotocol the client lists that the server supports ([MQTT-6.0.0-3]: mqtt for 3.1.1/5.0).
            assertThat(head.toLowerCase()).contains("sec-websocket-protocol: mqttv3.1");
        }
    }

    @Test
    void everyTransportOnOneBrokerDeliversAcrossListeners() throws Exception {
        Pki pki = Pki.create(dir, "all");
        Pki.Issued server = pki.server("server");
        TlsConfig tls = TlsConfig.of(server.cert(), server.key());
        broker = Transports.start(
                new ListenerConfig("plain", HOST, 0),
                ListenerConfig.of("tls", ListenerType.MQTTS, HOST, 0, tls),
                ListenerConfig.of("ws", ListenerType.WS, HOST, 0, TlsConfig.DEFAULT),
                ListenerConfig.of("wss", ListenerType.WSS, HOST, 0, tls));
        MqttConnectOptions secure = Transports.options();
        secure.setSocketFactory(Pki.clientContext(pki, null, "TLS").getSocketFactory());

        CrossListener.assertDelivered(
                "tcp://" + HOST + ":" + broker.localAddresses().get(0).getPort(), Transports.options(),
                "wss://" + HOST + ":" + broker.localAddresses().get(3).getPort() + "/mqtt", secure);
        CrossListener.assertDelivered(
                "ws://" + HOST + ":" + broker.localAddresses().get(2).getPort() + "/mqtt", Transports.options(),
                "ssl://" + HOST + ":" + broker.localAddresses().get(1).getPort(), secure);
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < 4096 && !head.toString().endsWith("\r\n\r\n"); i++) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
