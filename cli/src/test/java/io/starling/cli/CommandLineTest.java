package io.starling.cli;

import io.starling.cli.Cli.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parsing and validation of every command, without a network: each rejected input is one line on stderr and
 * exit code 2 (or 1 for a missing file), before any connection is tried. The host "unreachable.invalid" would
 * turn a validation gap into a different, failing, message.
 */
class CommandLineTest {

    private static final String NOWHERE = "unreachable.invalid";

    @ParameterizedTest
    @ValueSource(strings = {"", "broker", "pub", "sub"})
    void everyCommandHasHelp(String command) {
        Result result = Cli.run(command.isEmpty() ? new String[] {"--help"} : new String[] {command, "--help"});

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: starling" + (command.isEmpty() ? "" : " " + command));
        assertThat(result.err()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "broker", "pub", "sub"})
    void everyCommandHasVersion(String command) {
        Result result = Cli.run(command.isEmpty() ? new String[] {"--version"} : new String[] {command, "--version"});

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).matches("starling \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java .+\\)\\n");
    }

    @Test
    void topLevelHelpListsTheCommands() {
        assertThat(Cli.run("--help").out()).contains("broker", "pub", "sub", "Exit codes:");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(Cli.run())
                .isEqualTo(new Result(2, "", "starling: error: missing command: broker, pub, sub, bench, passwd or storage\n"));
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertUsageError(Cli.run("publish"), "starling: error: Unmatched argument at index 0: 'publish'");
    }

    @ParameterizedTest
    @CsvSource({"pub, -t a -m x --bogus", "sub, -t a --bogus", "broker, --bogus"})
    void unknownOptionIsOneLine(String command, String options) {
        String[] args = (command + " " + options).split(" ");

        assertUsageError(Cli.run(args), "starling " + command + ": error: Unknown option: '--bogus'");
    }

    @Test
    void pubNeedsATopic() {
        assertUsageError(Cli.run("pub", "-m", "x"), "starling pub: error: Missing required option: '--topic=TOPIC'");
    }

    @Test
    void pubNeedsExactlyOnePayload() {
        assertUsageError(Cli.run("pub", "-t", "a"), "starling pub: error: Missing required argument (specify one of "
                + "these): (-m=TEXT | -f=FILE | -s | -l | -n)");
        assertUsageError(Cli.run("pub", "-t", "a", "-m", "x", "-n"),
                "starling pub: error: --message=TEXT, --null-message are mutually exclusive (specify only one)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a/#     | Topic [a/#] must not contain multi level wildcard (#), found at index 2.",
            "a/+/b   | Topic [a/+/b] must not contain single level wildcard (+), found at index 2.",
            "''      | Topic must be at least one character long."})
    void pubRejectsTopicsThatAreNotTopicNames_MQTT_3_3_2_2(String topic, String why) {
        assertUsageError(Cli.run("pub", "-h", NOWHERE, "-t", topic, "-m", "x"),
                "starling pub: error: -t/--topic '" + topic + "' is not a valid topic name: " + why);
    }

    @Test
    void subRejectsInvalidTopicFilters_MQTT_4_7_1_2() {
        Result result = Cli.run("sub", "-h", NOWHERE, "-t", "ok/#", "-t", "a/#/b");

        assertUsageError(result, "starling sub: error: -t/--topic 'a/#/b' is not a valid topic filter: "
                + "Topic filter [a/#/b] contains misplaced wildcard characters. Multi level wildcard (#) must be the last "
                + "character.");
    }

    @Test
    void subNeedsATopic() {
        assertUsageError(Cli.run("sub"), "starling sub: error: Missing required option: '--topic=FILTER'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "pub -t a -m x -q 3                 | starling pub: error: -q/--qos must be 0, 1 or 2: 3",
            "sub -t a -q -1                     | starling sub: error: -q/--qos must be 0, 1 or 2: -1",
            "sub -t a -C 0                      | starling sub: error: -C/--count must be at least 1: 0",
            "sub -t a -W 0                      | starling sub: error: -W/--timeout must be at least 1 s: 0",
            "sub -t a -v --json                 | starling sub: error: -v/--verbose and --json cannot be combined",
            "pub -t a -m x -p 0                 | starling pub: error: -p/--port must be 1..65535: 0",
            "pub -t a -m x -p 65536             | starling pub: error: -p/--port must be 1..65535: 65536",
            "pub -t a -m x -k 70000             | starling pub: error: -k/--keepalive must be 0..65535 s: 70000",
            "pub -t a -m x -c                   | starling pub: error: -c/--no-clean needs a client id (-i): the broker finds the stored session by it",
            "sub -t a -V 311 -x 10              | starling sub: error: -x/--session-expiry needs MQTT 5 (-V 5); with MQTT 3.1.1 use -c",
            "sub -t a -x soon                   | starling sub: error: -x/--session-expiry must be 0..4294967295 s, -1 or never: soon",
            "sub -t a -x 4294967296             | starling sub: error: -x/--session-expiry must be 0..4294967295 s, -1 or never: 4294967296",
            "pub -t a -m x -V 311 -P secret     | starling pub: error: -P/--pw needs -u/--username with MQTT 3.1.1",
            "pub -t a -m x --will-payload bye   | starling pub: error: --will-payload, --will-qos and --will-retain need --will-topic",
            "pub -t a -m x --will-topic w --will-qos 3 | starling pub: error: --will-qos must be 0, 1 or 2: 3",
            "pub -t a -m x --will-topic w/#     | starling pub: error: --will-topic 'w/#' is not a valid topic name: Topic [w/#] must not contain multi level wildcard (#), found at index 2.",
            "pub -t a -m x -V 311 --content-type text/plain | starling pub: error: MQTT 5 message properties need -V 5",
            "pub -t a -m x --user-property novalue | starling pub: error: --user-property must be KEY=VALUE: novalue",
            "pub -t a -m x --user-property =v   | starling pub: error: --user-property must be KEY=VALUE: =v",
            "pub -t a -m x --message-expiry -1  | starling pub: error: --message-expiry must be 0..4294967295 s: -1",
            "pub -t a -m x --response-topic r/+ | starling pub: error: --response-topic 'r/+' is not a valid topic name: Topic [r/+] must not contain single level wildcard (+), found at index 2.",
            "pub -t a -m x -V 31                | starling pub: error: Invalid value for option '--protocol-version': MQTT 3.1 is not supported by pub and sub (their client speaks 3.1.1 and 5.0); use 311",
            "sub -t a -V 6                      | starling sub: error: Invalid value for option '--protocol-version': '6' is not a protocol version; use mqttv311 (or 311) or mqttv5 (or 5)",
            "pub -t a -m x -q one               | starling pub: error: Invalid value for option '--qos': 'one' is not an int"})
    void invalidOptionsAreOneLineUsageErrors(String commandLine, String error) {
        String[] args = (commandLine + " -h " + NOWHERE).split(" ");

        assertUsageError(Cli.run(args), error);
    }

    @Test
    void missingPayloadFileIsReportedBeforeConnecting() {
        Path missing = Path.of("no", "such", "payload.bin");

        Result result = Cli.run("pub", "-h", NOWHERE, "-t", "a", "-f", missing.toString());

        assertThat(result).isEqualTo(new Result(1, "", "starling pub: error: cannot read " + missing
                + ": no such file\n"));
    }

    @Test
    void unknownHostIsOneLineRuntimeError() {
        Result result = Cli.run("pub", "-h", NOWHERE, "-t", "a", "-m", "x");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("starling pub: error: cannot connect to " + NOWHERE + ":1883: ")
                .hasLineCount(1);
    }

    @ParameterizedTest
    @CsvSource({"mqttv311, MQTT_3_1_1", "311, MQTT_3_1_1", "3.1.1, MQTT_3_1_1", "MQTTv311, MQTT_3_1_1",
            "mqttv5, MQTT_5", "5, MQTT_5", "5.0, MQTT_5"})
    void protocolVersionsInMosquittoAndShortSpelling(String spelling, ProtocolVersion expected) {
        PubCommand pub = parsePub("-t", "a", "-m", "x", "-V", spelling);

        assertThat(pub.connection.protocolVersion).isEqualTo(expected);
    }

    @Test
    void defaultsMatchTheDocumentation() {
        PubCommand pub = parsePub("-t", "a", "-m", "x");

        assertThat(pub.connection.host).isEqualTo("127.0.0.1");
        assertThat(pub.connection.port).isEqualTo(1883);
        assertThat(pub.connection.protocolVersion).isEqualTo(ProtocolVersion.MQTT_5);
        assertThat(pub.connection.keepAlive).isEqualTo(60);
        assertThat(pub.connection.clientId).isNull();
        assertThat(pub.connection.noClean).isFalse();
        assertThat(pub.qos).isZero();
        assertThat(pub.retain).isFalse();
        assertThat(pub.connection.sessionExpirySeconds(pub.spec)).isZero();
    }

    @Test
    void longOptionsAreAccepted() {
        PubCommand pub = parsePub("--host", "broker.example", "--port", "1884", "--topic", "t", "--qos", "2",
                "--retain", "--message", "m", "--id", "me", "--username", "u", "--pw", "p", "--keepalive", "5",
                "--no-clean", "--session-expiry", "30", "--protocol-version", "mqttv311", "--will-topic", "w",
                "--will-payload", "bye", "--will-qos", "1", "--will-retain");

        assertThat(pub.connection.host).isEqualTo("broker.example");
        assertThat(pub.connection.port).isEqualTo(1884);
        assertThat(pub.topic).isEqualTo("t");
        assertThat(pub.qos).isEqualTo(2);
        assertThat(pub.retain).isTrue();
        assertThat(pub.payload.message).isEqualTo("m");
        assertThat(pub.connection.clientId).isEqualTo("me");
        assertThat(pub.connection.username).isEqualTo("u");
        assertThat(pub.connection.password).isEqualTo("p");
        assertThat(pub.connection.keepAlive).isEqualTo(5);
        assertThat(pub.connection.noClean).isTrue();
        assertThat(pub.connection.sessionExpiry).isEqualTo("30");
        assertThat(pub.connection.protocolVersion).isEqualTo(ProtocolVersion.MQTT_3_1_1);
        assertThat(pub.connection.willTopic).isEqualTo("w");
        assertThat(pub.connection.willPayload).isEqualTo("bye");
        assertThat(pub.connection.willQos).isEqualTo(1);
        assertThat(pub.connection.willRetain).isTrue();
    }

    @Test
    void subTopicIsRepeatable() {
        SubCommand sub = new SubCommand();
        new CommandLine(sub).parseArgs("-t", "a", "--topic", "b/#", "-t", "+/c", "-C", "3", "-W", "9", "-v", "-R",
                "-N");

        assertThat(sub.topics).containsExactly("a", "b/#", "+/c");
        assertThat(sub.count).isEqualTo(3);
        assertThat(sub.timeoutSeconds).isEqualTo(9);
        assertThat(sub.verbose).isTrue();
        assertThat(sub.skipRetained).isTrue();
        assertThat(sub.noNewline).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"'', false, 0", "'', true, 4294967295", "-1, false, 4294967295", "never, false, 4294967295",
            "120, false, 120", "120, true, 120", "0, true, 0"})
    void sessionExpiryFromXAndC(String x, boolean noClean, long expected) {
        PubCommand pub = x.isEmpty()
                ? parsePub("-t", "a", "-m", "m", "-i", "id", noClean ? "-c" : "-r")
                : parsePub("-t", "a", "-m", "m", "-i", "id", "-x", x, noClean ? "-c" : "-r");

        assertThat(pub.connection.sessionExpirySeconds(pub.spec)).isEqualTo(expected);
    }

    private static PubCommand parsePub(String... args) {
        PubCommand pub = new PubCommand();
        new CommandLine(pub).parseArgs(args);
        return pub;
    }

    private static void assertUsageError(Result result, String expectedLine) {
        assertThat(result).isEqualTo(new Result(2, "", expectedLine + "\n"));
    }
}
