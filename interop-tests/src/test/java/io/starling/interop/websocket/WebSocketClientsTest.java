package io.starling.interop.websocket;

import com.sun.net.httpserver.HttpServer;
import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.config.ListenerType;
import io.starling.broker.config.TlsConfig;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MQTT.js over a {@code ws} listener: under Node.js, and in headless Chromium loading a page with MQTT.js's browser
 * build. Both use the MQTT.js that the interop-tests build installs with {@code npm ci} (package-lock pinned).
 */
class WebSocketClientsTest {
    private static final String HOST = "127.0.0.1";
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(20);
    /** Chromium takes a few seconds to start on a busy two-core machine. */
    private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(40);
    private static final Path SCRIPTS = Path.of(System.getProperty("basedir", "."), "src/test/js/websocket");
    private static final Path NODE_DIR = Path.of(System.getProperty("interop.node.dir", "target/interop/node"));

    @TempDir
    Path dir;
    private Broker broker;

    @BeforeEach
    void start() {
        broker = Broker.start(new BrokerConfig(List.of(
                ListenerConfig.of("ws", ListenerType.WS, HOST, 0, TlsConfig.DEFAULT),
                new ListenerConfig("tcp", HOST, 0)), null, null, null, null));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @ParameterizedTest(name = "protocol level {0}")
    @ValueSource(ints = {4, 5})
    void mqttJsOnNodeRoundTripsAMessageSpanningManyFrames(int protocolLevel) throws Exception {
        Path mqtt = NODE_DIR.resolve("node_modules/mqtt/package.json");
        assertThat(mqtt).as("MQTT.js installed by the interop-tests build (npm ci)").isRegularFile();
        Path output = dir.resolve("node.out");
        ProcessBuilder builder = new ProcessBuilder("node", SCRIPTS.resolve("node-roundtrip.js").toString(),
                "ws://" + HOST + ":" + wsPort() + "/mqtt", "node/" + UUID.randomUUID(), Integer.toString(protocolLevel))
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("NODE_PATH", NODE_DIR.resolve("node_modules").toString());
        Process node = builder.start();
        try {
            assertThat(node.waitFor(NODE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("node finished").isTrue();
            String printed = Files.readString(output);
            assertThat(node.exitValue()).as("node output: %s", printed).isZero();
            assertThat(printed).contains("\"event\":\"received\"").contains("\"length\":102400");
        } finally {
            node.destroyForcibly();
        }
    }

    @Test
    void mqttJsInHeadlessChromiumSubscribesPublishesAndReceives() throws Exception {
        assertThat(Path.of(CHROMIUM)).as("Debian package chromium (.ci/run installs it)").isExecutable();
        Path browserBuild = NODE_DIR.resolve("node_modules/mqtt/dist/mqtt.min.js");
        assertThat(browserBuild).as("MQTT.js browser build from the interop-tests npm ci").isRegularFile();
        HttpServer http = pageServer(browserBuild);
        String topic = "browser/" + UUID.randomUUID();
        String result = topic + "/result";
        BlockingQueue<String> reports = new LinkedBlockingQueue<>();
        MqttClient observer = new MqttClient("tcp://" + HOST + ":" + broker.localAddresses().get(1).getPort(),
                "observer", new MemoryPersistence());
        Process chromium = null;
        try {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            observer.connect(options);
            observer.subscribe(result, 1, (arrived, message) ->
                    reports.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
            String page = "http://" + HOST + ":" + http.getAddress().getPort() + "/page.html?port=" + wsPort()
                    + "&topic=" + topic + "&result=" + result;
            chromium = new ProcessBuilder(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--user-data-dir=" + dir.resolve("chromium-profile"), page)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.out").toFile()).start();

            String report = reports.poll(BROWSER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(report).as("the page's report; chromium said: %s", chromiumOutput()).isNotNull()
                    .startsWith("received:ping from ").contains("Chrome");
        } finally {
            if (chromium != null) {
                chromium.descendants().forEach(ProcessHandle::destroyForcibly);
                chromium.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            http.stop(0);
            disconnect(observer);
        }
    }

    /** Serves the test page and MQTT.js's browser build on 127.0.0.1, on a free port. */
    private static HttpServer pageServer(Path browserBuild) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(HOST, 0), 0);
        serve(http, "/page.html", Files.readAllBytes(SCRIPTS.resolve("browser-page.html")), "text/html; charset=utf-8");
        serve(http, "/mqtt.min.js", Files.readAllBytes(browserBuild), "text/javascript; charset=utf-8");
        http.start();
        return http;
    }

    private static void serve(HttpServer http, String path, byte[] body, String contentType) {
        http.createContext(path, exchange -> {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    private String chromiumOutput() {
        try {
            return Files.readString(dir.resolve("chromium.out"));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    private int wsPort() {
        return broker.localAddresses().get(0).getPort();
    }

    private static void disconnect(MqttClient client) throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }
}
