package io.starling.cli;

import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.SecurityConfig;
import io.starling.cli.Cli.Result;
import io.starling.cli.Cli.RunningSub;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code starling broker} with a password file written by {@code starling passwd} and an ACL file, exercised with
 * {@code starling pub} and {@code sub} over loopback.
 */
class SecureBrokerEndToEndTest {

    private static final String ACL = """
            # anonymous clients (when let in): public/# only
            topic readwrite public/#

            user alice
            topic read sensors/#

            user bob
            topic write sensors/#
            topic deny sensors/private
            """;

    @TempDir
    Path dir;
    Path passwordFile;
    Path aclFile;

    @BeforeEach
    void writeFiles() throws IOException {
        passwordFile = dir.resolve("passwd");
        assertThat(Cli.run("passwd", "-c", "-b", passwordFile.toString(), "alice", "alice-secret"))
                .isEqualTo(new Result(0, "", ""));
        assertThat(Cli.run("passwd", "-b", passwordFile.toString(), "bob", "bob-secret"))
                .isEqualTo(new Result(0, "", ""));
        aclFile = Files.writeString(dir.resolve("acl"), ACL);
    }

    @Test
    void rightCredentialsPublishAndSubscribeWhereTheAclAllows() throws Exception {
        try (RunningBroker broker = RunningBroker.start("--password-file", passwordFile.toString(),
                "--acl-file", aclFile.toString())) {
            String port = broker.port();
            try (RunningSub sub = RunningSub.start("sub", "-p", port, "-u", "alice", "-P", "alice-secret",
                    "-t", "sensors/#", "-q", "1", "-v", "-C", "1", "-W", "20")) {
                assertThat(Cli.run("pub", "-p", port, "-u", "bob", "-P", "bob-secret", "-t", "sensors/lab/t",
                        "-q", "1", "-m", "21.5")).isEqualTo(new Result(0, "", ""));

                assertThat(sub.finish()).isEqualTo(new Result(0, "sensors/lab/t 21.5\n", ""));
            }
        }
    }

    @Test
    void topicTheAclDeniesIsNotDelivered() throws Exception {
        try (RunningBroker broker = RunningBroker.start("--password-file", passwordFile.toString(),
                "--acl-file", aclFile.toString())) {
            String port = broker.port();
            try (RunningSub sub = RunningSub.start("sub", "-p", port, "-u", "alice", "-P", "alice-secret",
                    "-t", "sensors/#", "-v", "-C", "1", "-W", "20")) {
                // QoS 0: the broker drops it silently; QoS 1: MQTT 5 tells the publisher.
                assertThat(Cli.run("pub", "-p", port, "-u", "bob", "-P", "bob-secret", "-t", "sensors/private",
                        "-m", "leak")).isEqualTo(new Result(0, "", ""));
                assertThat(Cli.run("pub", "-p", port, "-u", "bob", "-P", "bob-secret", "-t", "sensors/private",
                        "-q", "1", "-m", "leak")).isEqualTo(new Result(1, "",
                        "starling pub: error: publish refused: 0x87 Not authorized\n"));
                // Published after the denied ones on the same connection order: the only message alice gets.
                assertThat(Cli.run("pub", "-p", port, "-u", "bob", "-P", "bob-secret", "-t", "sensors/public",
                        "-q", "1", "-m", "marker")).isEqualTo(new Result(0, "", ""));

                assertThat(sub.finish()).isEqualTo(new Result(0, "sensors/public marker\n", ""));
            }
            // alice may read sensors/# but not write it.
            assertThat(Cli.run("pub", "-p", port, "-u", "alice", "-P", "alice-secret", "-t", "sensors/x", "-q", "1",
                    "-m", "x")).isEqualTo(new Result(1, "", "starling pub: error: publish refused: 0x87 Not authorized\n"));
        }
    }

    @Test
    void wrongPasswordUnknownUserAndAnonymousClientsAreRefused() throws Exception {
        try (RunningBroker broker = RunningBroker.start("--password-file", passwordFile.toString(),
                "--acl-file", aclFile.toString())) {
            String port = broker.port();
            String refused = "starling pub: error: 127.0.0.1:" + port + " refused the connection: ";

            Result wrongPassword = Cli.run("pub", "-p", port, "-u", "alice", "-P", "bob-secret", "-t", "public/x",
                    "-m", "x");
            Result unknownUser = Cli.run("pub", "-p", port, "-u", "mallory", "-P", "x", "-t", "public/x", "-m", "x");
            Result anonymous = Cli.run("pub", "-p", port, "-t", "public/x", "-m", "x");
            Result anonymous311 = Cli.run("pub", "-p", port, "-V", "311", "-t", "public/x", "-m", "x");

            for (Result result : List.of(wrongPassword, unknownUser, anonymous)) {
                assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
                assertThat(result.err()).as("%s", result).startsWith(refused + "0x86 Bad user name or password")
                        .hasLineCount(1);
            }
            assertThat(anonymous311).isEqualTo(new Result(1, "", refused
                    + "return code 4 Bad user name or password\n"));
        }
    }

    @Test
    void allowAnonymousFlagLetsAnonymousClientsInUnderTheAcl() throws Exception {
        // The password file comes from the configuration file, --allow-anonymous from the command line.
        Path config = Files.writeString(dir.resolve("starling.yaml"), "security:\n  password-file: " + passwordFile
                + "\n  acl-file: " + aclFile + "\n");
        try (RunningBroker broker = RunningBroker.start("--config", config.toString(), "--allow-anonymous")) {
            String port = broker.port();
            assertThat(broker.broker().config().security())
                    .isEqualTo(new SecurityConfig(passwordFile.toString(), aclFile.toString(), true));
            try (RunningSub sub = RunningSub.start("sub", "-p", port, "-t", "public/#", "-v", "-C", "1", "-W", "20")) {
                assertThat(Cli.run("pub", "-p", port, "-t", "public/news", "-q", "1", "-m", "hello"))
                        .isEqualTo(new Result(0, "", ""));

                assertThat(sub.finish()).isEqualTo(new Result(0, "public/news hello\n", ""));
            }
            // Anonymous access never excuses wrong credentials.
            assertThat(Cli.run("pub", "-p", port, "-u", "alice", "-P", "wrong", "-t", "public/x", "-m", "x").err())
                    .contains("refused the connection: 0x86 Bad user name or password");
            // Outside the anonymous section of the ACL: denied.
            assertThat(Cli.run("pub", "-p", port, "-t", "sensors/x", "-q", "1", "-m", "x")).isEqualTo(
                    new Result(1, "", "starling pub: error: publish refused: 0x87 Not authorized\n"));
        }
    }

    @Test
    void missingPasswordFileIsOneLineAndExitCode1() {
        Path missing = dir.resolve("missing");

        Result result = Cli.run("broker", "--port", "0", "--durability", "none", "--password-file",
                missing.toString());

        assertThat(result).isEqualTo(new Result(1, "", "starling broker: error: cannot read password file "
                + missing + ": the file is missing\n"));
    }

    @Test
    void invalidAclFileIsOneLineAndExitCode1() throws IOException {
        Path acl = Files.writeString(dir.resolve("bad-acl"), "topic read ok/#\ntopik read typo\nuser\n");

        Result result = Cli.run("broker", "--port", "0", "--durability", "none", "--password-file", passwordFile.toString(),
                "--acl-file", acl.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("starling broker: error: ").contains(acl + ":2:", acl + ":3:")
                .hasLineCount(1);
    }

    @Test
    void flagsOverrideTheSecurityOfTheFile() {
        BrokerConfig file = BrokerConfig.DEFAULT.withSecurity(new SecurityConfig("/etc/passwd-file", "/etc/acl",
                false));

        assertThat(BrokerCommand.applySecurityFlags(file, null, null, false)).isSameAs(file);
        assertThat(BrokerCommand.applySecurityFlags(file, Path.of("p"), null, true).security())
                .isEqualTo(new SecurityConfig("p", "/etc/acl", true));
        assertThat(BrokerCommand.applySecurityFlags(BrokerConfig.DEFAULT, null, Path.of("a"), false).security())
                .isEqualTo(new SecurityConfig("", "a", false));
    }

    @Test
    void warnsWhenAnonymousClientsCanReachANonLoopbackListener() {
        List<InetSocketAddress> loopback = List.of(new InetSocketAddress("127.0.0.1", 1883));
        List<InetSocketAddress> everywhere = List.of(new InetSocketAddress("127.0.0.1", 1883),
                new InetSocketAddress("0.0.0.0", 1884));

        try (BrokerSecurity open = BrokerSecurity.from(SecurityConfig.DEFAULT);
             BrokerSecurity passwords = BrokerSecurity.from(new SecurityConfig(passwordFile.toString(), "", false));
             BrokerSecurity anonymousToo = BrokerSecurity.from(new SecurityConfig(passwordFile.toString(),
                     aclFile.toString(), true))) {
            assertThat(open.exposureWarning(loopback)).isNull();
            assertThat(open.exposureWarning(everywhere)).contains("0.0.0.0:1884").doesNotContain("127.0.0.1:1883");
            assertThat(passwords.exposureWarning(everywhere)).isNull();
            assertThat(anonymousToo.exposureWarning(everywhere)).contains("0.0.0.0:1884");

            assertThat(open.describe()).isEqualTo("Authentication: none (every client is let in); authorization: "
                    + "none (every client may publish and subscribe to every topic)");
            assertThat(passwords.describe()).isEqualTo("Authentication: password file " + passwordFile
                    + " (2 users; anonymous clients refused); authorization: none (every client may publish and "
                    + "subscribe to every topic)");
            assertThat(anonymousToo.describe()).contains("anonymous clients let in", "ACL file " + aclFile);
        }
    }

    /** {@code starling broker ARGS --port 0} running in the background until closed. */
    private record RunningBroker(ExecutorService executor, Future<Result> result, Broker broker)
            implements AutoCloseable {

        static RunningBroker start(String... args) throws Exception {
            String[] all = new String[args.length + 5];
            all[0] = "broker";
            System.arraycopy(args, 0, all, 1, args.length);
            all[args.length + 1] = "--port";
            all[args.length + 2] = "0";
            all[args.length + 3] = "--durability";
            all[args.length + 4] = "none";
            AtomicReference<Broker> started = new AtomicReference<>();
            ExecutorService executor = Executors.newSingleThreadExecutor();
            Future<Result> result = executor.submit(() -> Cli.run(commandLine -> ((BrokerCommand) commandLine
                    .getSubcommands().get("broker").getCommand()).onStarted = started::set, all));
            await("broker started").atMost(Duration.ofSeconds(15))
                    .until(() -> started.get() != null || result.isDone());
            assertThat(started.get()).as("broker did not start: %s", result.isDone() ? result.get() : "")
                    .isNotNull();
            return new RunningBroker(executor, result, started.get());
        }

        String port() {
            return String.valueOf(broker.port());
        }

        @Override
        public void close() throws Exception {
            result.cancel(true); // interrupts the command, as a signal would end its wait
            executor.shutdownNow();
            assertThat(executor.awaitTermination(15, TimeUnit.SECONDS)).isTrue();
        }
    }
}
