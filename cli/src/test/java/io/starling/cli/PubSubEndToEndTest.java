package io.starling.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.starling.cli.Cli.Result;
import io.starling.cli.Cli.RunningSub;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * starling pub and sub against real brokers over loopback: Eclipse Mosquitto (the reference the options copy) and
 * an embedded Starling; in MQTT 3.1.1 and 5.0.
 */
class PubSubEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<TestBroker.Kind> brokers() {
        return Stream.of(TestBroker.Kind.values());
    }

    static Stream<Arguments> brokersAndVersions() {
        return brokers().flatMap(kind -> Stream.of(Arguments.of(kind, "311"), Arguments.of(kind, "5")));
    }

    @ParameterizedTest(name = "{0} MQTT {1}")
    @MethodSource("brokersAndVersions")
    void publishedMessageIsPrintedBySubscriber(TestBroker.Kind kind, String version) {
        try (TestBroker broker = kind.start();
             RunningSub sub = RunningSub.start(args(broker, "sub", "-V", version, "-t", "greeting", "-C", "1",
                     "-W", "20"))) {
            Result pub = Cli.run(args(broker, "pub", "-V", version, "-t", "greeting", "-m", "hello"));

            assertThat(pub).isEqualTo(new Result(0, "", ""));
            assertThat(sub.finish()).isEqualTo(new Result(0, "hello\n", ""));
        }
    }

    @ParameterizedTest(name = "{0} MQTT {1}")
    @MethodSource("brokersAndVersions")
    void qos1AndQos2PublishesAreAcknowledgedAndDelivered(TestBroker.Kind kind, String version) {
        try (TestBroker broker = kind.start();
             RunningSub sub = RunningSub.start(args(broker, "sub", "-V", version, "-t", "q/+", "-q", "2", "-v",
                     "-C", "2", "-W", "20"))) {
            assertThat(Cli.run(args(broker, "pub", "-V", version, "-t", "q/1", "-q", "1", "-m", "one")).exitCode())
                    .isZero();
            assertThat(Cli.run(args(broker, "pub", "-V", version, "-t", "q/2", "-q", "2", "-m", "two")).exitCode())
                    .isZero();

            assertThat(sub.finish()).isEqualTo(new Result(0, "q/1 one\nq/2 two\n", ""));
        }
    }

    @ParameterizedTest(name = "{0} MQTT {1}")
    @MethodSource("brokersAndVersions")
    void retainedMessageReachesLaterSubscriberAndNullMessageClearsIt(TestBroker.Kind kind, String version) {
        try (TestBroker broker = kind.start()) {
            assertThat(Cli.run(args(broker, "pub", "-V", version, "-t", "r/a", "-r", "-q", "1", "-m", "cleared"))
                    .exitCode()).isZero();
            assertThat(Cli.run(args(broker, "pub", "-V", version, "-t", "r/b", "-r", "-q", "1", "-m", "kept"))
                    .exitCode()).isZero();
            assertThat(Cli.run(args(broker, "pub", "-V", version, "-t", "r/a", "-r", "-q", "1", "-n")).exitCode())
                    .isZero();

            // Retained messages come at SUBSCRIBE, before anything published afterwards: r/end marks their end.
            try (RunningSub sub = RunningSub.start(args(broker, "sub", "-V", version, "-t", "r/#", "-v", "-C", "2",
                    "-W", "20"))) {
                Cli.run(args(broker, "pub", "-V", version, "-t", "r/end", "-m", "end"));

                assertThat(sub.finish()).isEqualTo(new Result(0, "r/b kept\nr/end end\n", ""));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokers")
    void noRetainedSkipsStoredMessages(TestBroker.Kind kind) {
        try (TestBroker broker = kind.start()) {
            Cli.run(args(broker, "pub", "-t", "stale", "-r", "-q", "1", "-m", "old"));
            try (RunningSub sub = RunningSub.start(args(broker, "sub", "-t", "stale", "-R", "-C", "1", "-W", "20"))) {
                Cli.run(args(broker, "pub", "-t", "stale", "-m", "fresh"));

                assertThat(sub.finish()).isEqualTo(new Result(0, "fresh\n", ""));
            }
        }
    }

    @ParameterizedTest(name = "{0} MQTT {1}")
    @MethodSource("brokersAndVersions")
    void stdinLinesArePublishedOneMessageEachSkippingEmptyLines(TestBroker.Kind kind, String version) {
        try (TestBroker broker = kind.start();
             RunningSub sub = RunningSub.start(args(broker, "sub", "-V", version, "-t", "lines", "-q", "1", "-C", "3",
                     "-W", "20"))) {
            Result pub = Cli.runWithStdin("one\n\ntwo\r\nthree".getBytes(StandardCharsets.UTF_8),
                    args(broker, "pub", "-V", version, "-t", "lines", "-q", "1", "-l"));

            assertThat(pub.exitCode()).isZero();
            assertThat(sub.finish()).isEqualTo(new Result(0, "one\ntwo\nthree\n", ""));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokers")
    void wholeStdinIsOneMessage(TestBroker.Kind kind) {
        try (TestBroker broker = kind.start();
             RunningSub sub = RunningSub.start(args(broker, "sub", "-t", "whole", "-C", "1", "-W", "20", "-N"))) {
            Cli.runWithStdin("a\nb\n".getBytes(StandardCharsets.UTF_8), args(broker, "pub", "-t", "whole", "-s"));

            assertThat(sub.finish()).isEqualTo(new Result(0, "a\nb\n", ""));
        }
    }

    @ParameterizedTest(name = "{0} MQTT {1}")
    @MethodSource("brokersAndVersions")
    void binaryFilePayloadIsShownInBase64ByJson(TestBroker.Kind kind, String version, @TempDir Path dir)
            throws Exception {
        Path file = Files.write(dir.resolve("payload.bin"), new byte[] {(byte) 0xFF, 0x00, 0x41});
        try (TestBroker broker = kind.start();
             RunningSub sub = RunningSub.start(args(broker, "sub", "-V", version, "-t", "bin", "-q", "1", "--json",
                     "-C", "1", "-W", "20"))) {
            Cli.run(args(broker, "pub", "-V", version, "-t", "bin", "-q", "1", "-f", file.toString()));

            Result result = sub.finish();
            assertThat(result.exitCode()).isZero();
            assertThat(result.out()).isEqualTo("{\"topic\":\"bin\",\"qos\":1,\"retain\":false,\"payload\":\"/wBB\","
                    + "\"payloadEncoding\":\"base64\"}\n");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokers")
    void jsonShowsMqtt5Properties(TestBroker.Kind kind) throws Exception {
        try (TestBroker broker = kind.start();
             RunningSub sub = RunningSub.start(args(broker, "sub", "-t", "props", "-q", "1", "--json", "-C", "1",
                     "-W", "20"))) {
            Result pub = Cli.run(args(broker, "pub", "-t", "props", "-q", "1", "-m", "{\"t\":21.5}",
                    "--content-type", "application/json", "--response-topic", "props/reply",
                    "--correlation-data", "req-7", "--user-property", "unit=celsius", "--user-property", "unit=C",
                    "--message-expiry", "3600", "--payload-format-indicator"));
            assertThat(pub.exitCode()).isZero();

            Result result = sub.finish();
            JsonNode message = JSON.readTree(result.out());
            assertThat(message.get("topic").asText()).isEqualTo("props");
            assertThat(message.get("payload").asText()).isEqualTo("{\"t\":21.5}");
            assertThat(message.get("payloadEncoding").asText()).isEqualTo("utf8");
            JsonNode properties = message.get("properties");
            assertThat(properties.get("contentType").asText()).isEqualTo("application/json");
            assertThat(properties.get("responseTopic").asText()).isEqualTo("props/reply");
            assertThat(properties.get("correlationData").asText()).isEqualTo("req-7");
            assertThat(properties.get("payloadFormatIndicator").asInt()).isEqualTo(1);
            // The broker sends the lifetime left [MQTT-3.3.2-6]: at most what was asked, and not all gone.
            assertThat(properties.get("messageExpiryInterval").asLong()).isBetween(3500L, 3600L);
            assertThat(properties.get("userProperties").toString())
                    .isEqualTo("[{\"key\":\"unit\",\"value\":\"celsius\"},{\"key\":\"unit\",\"value\":\"C\"}]");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokers")
    void mqtt311SubscriberSeesNoProperties(TestBroker.Kind kind) {
        try (TestBroker broker = kind.start();
             RunningSub sub = RunningSub.start(args(broker, "sub", "-V", "311", "-t", "p", "--json", "-C", "1",
                     "-W", "20"))) {
            Cli.run(args(broker, "pub", "-t", "p", "-m", "x", "--content-type", "text/plain"));

            assertThat(sub.finish().out())
                    .isEqualTo("{\"topic\":\"p\",\"qos\":0,\"retain\":false,\"payload\":\"x\",\"payloadEncoding\":\"utf8\"}\n");
        }
    }

    @ParameterizedTest(name = "{0} MQTT {1}")
    @MethodSource("brokersAndVersions")
    void severalTopicFiltersInOneSubscription(TestBroker.Kind kind, String version) {
        try (TestBroker broker = kind.start();
             RunningSub sub = RunningSub.start(args(broker, "sub", "-V", version, "-t", "a/x", "-t", "b/#", "-v",
                     "-C", "2", "-W", "20"))) {
            Cli.run(args(broker, "pub", "-V", version, "-t", "c", "-m", "not subscribed"));
            Cli.run(args(broker, "pub", "-V", version, "-t", "a/x", "-m", "1"));
            Cli.run(args(broker, "pub", "-V", version, "-t", "b/y/z", "-m", "2"));

            assertThat(sub.finish()).isEqualTo(new Result(0, "a/x 1\nb/y/z 2\n", ""));
        }
    }

    @ParameterizedTest(name = "{0} MQTT {1}")
    @MethodSource("brokersAndVersions")
    void persistentSessionKeepsMessagesWhileSubscriberIsAway(TestBroker.Kind kind, String version) {
        try (TestBroker broker = kind.start()) {
            String[] persistentSub = args(broker, "sub", "-V", version, "-i", "away", "-c", "-q", "1", "-t",
                    "queue", "-C", "1", "-W", "20");
            try (RunningSub first = RunningSub.start(persistentSub)) {
                Cli.run(args(broker, "pub", "-V", version, "-t", "queue", "-q", "1", "-m", "online"));
                assertThat(first.finish()).isEqualTo(new Result(0, "online\n", ""));
            }

            Cli.run(args(broker, "pub", "-V", version, "-t", "queue", "-q", "1", "-m", "while away"));

            try (RunningSub second = RunningSub.start(persistentSub)) {
                assertThat(second.finish()).isEqualTo(new Result(0, "while away\n", ""));
            }
        }
    }

    @ParameterizedTest(name = "{0} MQTT {1}")
    @MethodSource("brokersAndVersions")
    void timeoutBeforeCountIsExitCode3(TestBroker.Kind kind, String version) {
        try (TestBroker broker = kind.start();
             // -W 5, not 1: the wait covers the subscriber's connect and the publisher's whole run, which a loaded
             // CI machine once stretched past 1 s.
             RunningSub sub = RunningSub.start(args(broker, "sub", "-V", version, "-t", "few", "-C", "2", "-W", "5"))) {
            Cli.run(args(broker, "pub", "-V", version, "-t", "few", "-m", "only one"));

            assertThat(sub.finish()).isEqualTo(new Result(3, "only one\n",
                    "starling sub: error: timed out after 5 s with 1 of 2 messages\n"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokers")
    void timeoutWithoutCountEndsNormally(TestBroker.Kind kind) {
        try (TestBroker broker = kind.start();
             RunningSub sub = RunningSub.start(args(broker, "sub", "-t", "quiet", "-W", "1"))) {
            assertThat(sub.finish()).isEqualTo(new Result(0, "", ""));
        }
    }

    @ParameterizedTest(name = "{0} MQTT {1}")
    @MethodSource("brokersAndVersions")
    void willIsPublishedWhenTheConnectionIsTakenOver(TestBroker.Kind kind, String version) {
        try (TestBroker broker = kind.start();
             RunningSub watcher = RunningSub.start(args(broker, "sub", "-V", version, "-t", "will/#", "-v", "-C", "1",
                     "-W", "20"));
             RunningSub doomed = RunningSub.start(args(broker, "sub", "-V", version, "-i", "doomed", "-t", "x",
                     "--will-topic", "will/doomed", "--will-payload", "gone", "--will-qos", "1", "-W", "20"))) {
            // Same client id: the broker closes the first connection without a DISCONNECT from the client.
            Cli.run(args(broker, "pub", "-V", version, "-i", "doomed", "-t", "x", "-m", "takeover"));

            assertThat(watcher.finish()).isEqualTo(new Result(0, "will/doomed gone\n", ""));
            Result taken = doomed.finish();
            assertThat(taken.exitCode()).isEqualTo(1);
            assertThat(taken.err()).startsWith("starling sub: error: connection lost: ").hasLineCount(1);
        }
    }

    @ParameterizedTest(name = "MQTT {0}")
    @MethodSource("versions")
    void unreachableBrokerIsOneLineError(String version) {
        int port = TestBroker.freePort();

        Result pub = Cli.run("pub", "-p", String.valueOf(port), "-V", version, "-t", "t", "-m", "x");
        Result sub = Cli.run("sub", "-p", String.valueOf(port), "-V", version, "-t", "t");

        assertThat(pub).isEqualTo(new Result(1, "",
                "starling pub: error: cannot connect to 127.0.0.1:" + port + ": Connection refused\n"));
        assertThat(sub).isEqualTo(new Result(1, "",
                "starling sub: error: cannot connect to 127.0.0.1:" + port + ": Connection refused\n"));
    }

    @ParameterizedTest(name = "MQTT {0}")
    @MethodSource("versions")
    void refusedConnectShowsTheReason(String version) {
        try (TestBroker broker = TestBroker.Mosquitto.start(false)) {
            Result pub = Cli.run(args(broker, "pub", "-V", version, "-t", "t", "-m", "x"));

            String reason = version.equals("5") ? "0x87 Not authorized" : "return code 5 Not authorized";
            assertThat(pub).isEqualTo(new Result(1, "", "starling pub: error: 127.0.0.1:" + broker.port()
                    + " refused the connection: " + reason + "\n"));
        }
    }

    @ParameterizedTest(name = "QoS {0}")
    @MethodSource("acknowledgedQos")
    void refusedPublishShowsTheReasonCode(String qos) {
        try (TestBroker broker = TestBroker.Mosquitto.start(true, "topic readwrite open/#\n")) {
            Result allowed = Cli.run(args(broker, "pub", "-t", "open/door", "-q", qos, "-m", "x"));
            Result refused = Cli.run(args(broker, "pub", "-t", "secret", "-q", qos, "-m", "x"));

            assertThat(allowed).isEqualTo(new Result(0, "", ""));
            assertThat(refused).isEqualTo(new Result(1, "", "starling pub: error: publish refused: 0x87 Not authorized\n"));
        }
    }

    static Stream<String> acknowledgedQos() {
        return Stream.of("1", "2");
    }

    static Stream<String> versions() {
        return Stream.of("311", "5");
    }

    /** The command's arguments with -p pointing at the broker. */
    private static String[] args(TestBroker broker, String command, String... rest) {
        String[] args = new String[rest.length + 3];
        args[0] = command;
        args[1] = "-p";
        args[2] = String.valueOf(broker.port());
        System.arraycopy(rest, 0, args, 3, rest.length);
        return args;
    }
}
