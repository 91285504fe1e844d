package io.starling.it.kit;

import org.awaitility.Awaitility;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * mosquitto_pub / mosquitto_sub run as child processes against the broker under test. Output (stdout and stderr
 * merged) is captured line by line; the process is always killed on close.
 */
public final class CliProcess implements AutoCloseable {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final List<String> command;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private CliProcess(Process process, List<String> command) {
        this.process = process;
        this.command = command;
        this.reader = new Thread(this::pump, "cli-output " + command.get(2));
        reader.setDaemon(true);
        reader.start();
    }

    /** mosquitto_sub against the broker; {@code args} follow -h and -p. */
    public static CliProcess mosquittoSub(BrokerUnderTest broker, String... args) {
        return start(broker, "/usr/bin/mosquitto_sub", args);
    }

    /** mosquitto_pub against the broker; {@code args} follow -h and -p. */
    public static CliProcess mosquittoPub(BrokerUnderTest broker, String... args) {
        return start(broker, "/usr/bin/mosquitto_pub", args);
    }

    private static CliProcess start(BrokerUnderTest broker, String binary, String... args) {
        // stdbuf: line-buffered stdout, or the tools' output would sit in a pipe buffer until they exit.
        List<String> command = new ArrayList<>(List.of("/usr/bin/stdbuf", "-oL", binary, "-h", broker.host(), "-p",
                Integer.toString(broker.port())));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            return new CliProcess(process, command);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private void pump() {
        try (BufferedReader output = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = output.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException ignored) {
            // the process was killed: its output ends here
        }
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits for an output line that matches and returns it. */
    public String awaitLine(Predicate<String> condition) {
        Awaitility.await(String.join(" ", command) + " prints a matching line (printed " + lines + ")")
                .dontCatchUncaughtExceptions()
                .atMost(DEFAULT_TIMEOUT)
                .until(() -> lines.stream().anyMatch(condition));
        return lines.stream().filter(condition).findFirst().orElseThrow();
    }

    /** Waits for the process to exit and returns its exit code; fails if it is still running at the timeout. */
    public int awaitExit() {
        return awaitExit(DEFAULT_TIMEOUT);
    }

    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(String.join(" ", command) + " still running after " + timeout
                        + "; output " + lines);
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** SIGKILL: the client dies without sending DISCONNECT, its socket closed by the kernel. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return String.join(" ", command);
    }
}
