package io.starling.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged cli/target/starling.jar, run as a separate process the way ./starling runs it: shading, logging
 * configuration, signals and exit codes as users see them.
 */
class StarlingJarIT {

    private static final Path JAR = Path.of(System.getProperty("basedir", ".")).resolve("target/starling.jar");
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final Pattern LISTENING = Pattern.compile("listening on default 127\\.0\\.0\\.1:(\\d+)");

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void versionFromTheJar() {
        Finished result = run("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).matches("starling \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java .+\\)\\n");
    }

    @Test
    void pubAndSubPrintNothingButMessages() {
        try (TestBroker mosquitto = TestBroker.Mosquitto.start(true)) {
            String port = String.valueOf(mosquitto.port());
            Finished pub = run("pub", "-p", port, "-t", "jar/test", "-q", "1", "-r", "-m", "from the jar");
            Finished sub = run("sub", "-p", port, "-t", "jar/#", "-v", "-C", "1", "-W", "20");

            assertThat(pub).isEqualTo(new Finished(0, "", ""));
            assertThat(sub).isEqualTo(new Finished(0, "jar/test from the jar\n", ""));
        }
    }

    @Test
    void errorsAreOneLineWithoutStackTrace(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("bad.yaml"), "connection:\n  connect-timeout: soon\n");

        Finished broker = run("broker", "--config", config.toString());
        Finished pub = run("pub", "-p", String.valueOf(TestBroker.freePort()), "-t", "a", "-m", "x");

        assertThat(broker.exitCode()).isEqualTo(1);
        assertThat(broker.out()).isEmpty();
        assertThat(broker.err()).startsWith("starling broker: error: " + config
                + ": connection.connect-timeout: invalid duration 'soon'").hasLineCount(1);
        assertThat(pub.exitCode()).isEqualTo(1);
        assertThat(pub.err()).startsWith("starling pub: error: cannot connect to 127.0.0.1:").hasLineCount(1);
    }

    @Test
    void brokerLogsItsListenersServesAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Process broker = start("broker", "--port", "0", "--data-dir", data.toString());
        Output out = Output.of(broker.getInputStream());
        Output err = Output.of(broker.getErrorStream());
        await("broker listening").atMost(Duration.ofSeconds(30))
                .until(() -> LISTENING.matcher(out.text()).find() || !broker.isAlive());
        Matcher listening = LISTENING.matcher(out.text());
        assertThat(listening.find()).as("stdout [%s], stderr [%s]", out.text(), err.text()).isTrue();
        String port = listening.group(1);
        assertThat(out.text()).containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  "
                + "BrokerCommand - Starling \\S+ listening on default 127\\.0\\.0\\.1:" + port + "$");

        assertThat(run("pub", "-p", port, "-t", "t", "-r", "-q", "2", "-m", "kept").exitCode()).isZero();
        assertThat(run("sub", "-p", port, "-V", "311", "-t", "t", "-C", "1", "-W", "20"))
                .isEqualTo(new Finished(0, "kept\n", ""));

        // A subscriber still connected when the broker stops; it is subscribed once the retained message arrived.
        Process subscriber = start("sub", "-p", port, "-t", "t", "-W", "60");
        Output subscriberOut = Output.of(subscriber.getInputStream());
        Output subscriberErr = Output.of(subscriber.getErrorStream());
        await("subscriber got the retained message").atMost(Duration.ofSeconds(30))
                .until(() -> subscriberOut.text().equals("kept\n") || !subscriber.isAlive());

        // SIGTERM through the handle: Process.destroy() would also close our ends of the pipes and lose the
        // shutdown log.
        assertThat(broker.toHandle().destroy()).isTrue();
        assertThat(subscriber.waitFor(30, TimeUnit.SECONDS)).isTrue();
        subscriberErr.join();
        assertThat(subscriber.exitValue()).isEqualTo(1);
        assertThat(subscriberErr.text())
                .startsWith("starling sub: error: connection lost: the broker disconnected: 0x8B Server shutting down")
                .hasLineCount(1);
        assertThat(broker.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(broker.exitValue()).isEqualTo(143); // 128 + SIGTERM, after the shutdown hook ran
        out.join();
        err.join();
        assertThat(out.text()).as("stderr [%s]", err.text())
                .contains("INFO  BrokerCommand - Stopping\n")
                .contains("INFO  BrokerCommand - Stopped\n");
        assertThat(out.text()).contains("INFO  BrokerCommand - Storage: " + data.toAbsolutePath().normalize()
                + " (sync: acknowledged messages are on disk)\n");
        assertThat(err.text()).isEmpty();

        // The retained message was stored: a broker started again on the same directory still has it.
        Process again = start("broker", "--port", "0", "--data-dir", data.toString());
        Output againOut = Output.of(again.getInputStream());
        Output againErr = Output.of(again.getErrorStream());
        try {
            await("broker listening again").atMost(Duration.ofSeconds(30))
                    .until(() -> LISTENING.matcher(againOut.text()).find() || !again.isAlive());
            Matcher listeningAgain = LISTENING.matcher(againOut.text());
            assertThat(listeningAgain.find()).as("stdout [%s], stderr [%s]", againOut.text(), againErr.text()).isTrue();
            assertThat(run("sub", "-p", listeningAgain.group(1), "-t", "t", "-C", "1", "-W", "20"))
                    .isEqualTo(new Finished(0, "kept\n", ""));
            assertThat(againOut.text()).contains("Restored from the store: 0 sessions", "1 retained messages");
        } finally {
            again.toHandle().destroy();
            assertThat(again.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void brokerOnAPortInUseIsOneLineAndExitCode1() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Finished broker = run("broker", "--port", String.valueOf(taken.getLocalPort()), "--durability", "none");

            assertThat(broker.exitCode()).isEqualTo(1);
            assertThat(broker.err()).startsWith("starling broker: error: cannot start: ").hasLineCount(1);
        }
    }

    record Finished(int exitCode, String out, String err) {
    }

    private Finished run(String... args) {
        Process process = start(args);
        Output out = Output.of(process.getInputStream());
        Output err = Output.of(process.getErrorStream());
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("starling %s finished", List.of(args)).isTrue();
            out.join();
            err.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return new Finished(process.exitValue(), out.text(), err.text());
    }

    private Process start(String... args) {
        assertThat(JAR).as("the shaded jar (built by package, before integration-test)").isRegularFile();
        List<String> command = new ArrayList<>(List.of(JAVA.toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close(); // no stdin
            started.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Collects a process stream on its own thread, so the process never blocks on a full pipe. */
    private static final class Output {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread pump;

        private Output(InputStream in) {
            pump = new Thread(() -> {
                byte[] buffer = new byte[4096];
                try (in) {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        synchronized (bytes) {
                            bytes.write(buffer, 0, n);
                        }
                    }
                } catch (IOException closed) {
                    // the process ended
                }
            }, "starling-output");
            pump.setDaemon(true);
        }

        static Output of(InputStream in) {
            Output output = new Output(in);
            output.pump.start();
            return output;
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        void join() throws InterruptedException {
            pump.join(TimeUnit.SECONDS.toMillis(10));
        }
    }
}
