package io.starling.loadtool;

import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BenchCommandTest {
    private static Broker broker;

    @BeforeAll
    static void startBroker() {
        broker = Broker.start(BrokerConfig.DEFAULT.withListener("127.0.0.1", 0));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private record Result(int exitCode, String out, String err) {
        String jsonLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    private static Result bench(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new BenchCommand());
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private static String port() {
        return Integer.toString(broker.port());
    }

    @Test
    void successfulRunPrintsTheTableThenOneJsonLineAndExitsZero() {
        Result result = bench("p2p", "--port", port(), "--pairs", "2", "--messages", "100", "--warmup", "0",
                "--duration", "2s", "--qos", "2", "--expect-no-loss");

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).contains("run\n  scenario").contains("  lost ").contains("  result ");
        assertThat(result.jsonLine()).startsWith("{\"tool\":\"starling-bench\"")
                .contains("\"scenario\":\"p2p\"", "\"qos\":2,", "\"published\":200,", "\"expected\":200,",
                        "\"received\":200,", "\"lost\":0,", "\"duplicates\":0,", "\"ok\":true,")
                .endsWith("\"failure\":null}");
    }

    @Test
    void jsonOutputIsTheLineAlone() {
        Result result = bench("fan-in", "--port", port(), "--publishers", "2", "--subscribers", "2", "--shared",
                "--messages", "50", "--warmup", "0", "--duration", "2s", "-V", "311", "--output", "json");

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out().strip()).doesNotContain("\n").contains("\"scenario\":\"fan-in-shared\"",
                "\"protocol\":\"3.1.1\"", "\"expected\":100,", "\"received\":100,");
    }

    @Test
    void refusedConnectionExitsOneWithTheReasonInTheReport() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }

        Result result = bench("latency", "--port", Integer.toString(closedPort), "--messages", "10",
                "--connect-timeout", "2s", "--output", "json");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.jsonLine()).contains("\"ok\":false,", "cannot connect to 127.0.0.1:" + closedPort);
    }

    @Test
    void invalidOptionsExitTwo() {
        Result tooSmall = bench("p2p", "--payload", "8");
        assertThat(tooSmall.exitCode()).as(tooSmall.out() + tooSmall.err()).isEqualTo(2);
        assertThat(bench("p2p", "--qos", "3").exitCode()).isEqualTo(2);
        assertThat(bench("fan-out", "--publishers", "1", "--topics", "2").exitCode()).isEqualTo(2);
        assertThat(bench("retained", "--store-qos", "0").exitCode()).isEqualTo(2);
        assertThat(bench("p2p", "--duration", "soon").exitCode()).isEqualTo(2);
        assertThat(bench().exitCode()).as("no scenario").isEqualTo(2);
    }

    @Test
    void durationsAndVersionsAreReadInTheirUsualSpellings() {
        DurationConverter durations = new DurationConverter();
        assertThat(durations.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(durations.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(durations.convert("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(durations.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        VersionConverter versions = new VersionConverter();
        assertThat(versions.convert("mqttv311")).isEqualTo(io.starling.codec.MqttVersion.MQTT_3_1_1);
        assertThat(versions.convert("5")).isEqualTo(io.starling.codec.MqttVersion.MQTT_5);
    }
}
