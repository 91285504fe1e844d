package io.starling.interop;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A client program run as a child process: its standard output is read line by line (each line also handed to a
 * listener as it arrives), standard error is kept for failure messages, standard input takes commands. Waits are
 * bounded and give up early, with everything the process printed, when it exits without printing what was
 * awaited. {@link #close()} always leaves the process dead.
 */
final class ChildProcess implements AutoCloseable {
    private final String name;
    private final List<String> command;
    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final Thread stdoutReader;
    private final Thread stderrReader;

    private ChildProcess(String name, List<String> command, Process process, Consumer<String> onLine) {
        this.name = name;
        this.command = command;
        this.process = process;
        this.stdoutReader = read(process.getInputStream(), line -> {
            stdout.add(line);
            onLine.accept(line);
        }, "stdout");
        this.stderrReader = read(process.getErrorStream(), stderr::add, "stderr");
    }

    /** Starts the command; {@code onLine} sees every standard output line, on a reader thread. */
    static ChildProcess start(String name, List<String> command, Consumer<String> onLine) {
        try {
            Process process = new ProcessBuilder(command).start();
            return new ChildProcess(name, List.copyOf(command), process, onLine);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    private Thread read(InputStream stream, Consumer<String> sink, String which) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException ended) {
                // the process was killed: its output ends here
            }
        }, name + " " + which);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    String name() {
        return name;
    }

    List<String> stdout() {
        return List.copyOf(stdout);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /**
     * Waits for a standard output line that matches; fails at the timeout, or as soon as the process has exited
     * and its output is read to the end without one.
     */
    String awaitLine(Predicate<String> condition, String what) {
        try {
            Awaitility.await(name + ": " + what)
                    .atMost(Timeouts.WAIT)
                    .until(() -> findLine(condition).isPresent() || finished());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(name + ": no " + what + " within " + Timeouts.WAIT + "; " + transcript(), e);
        }
        return findLine(condition).orElseThrow(() -> new AssertionError(
                name + " exited (code " + process.exitValue() + ") before " + what + "; " + transcript()));
    }

    /** How many standard output lines match so far. */
    long count(Predicate<String> condition) {
        return stdout.stream().filter(condition).count();
    }

    /** Waits until {@code count} lines match, with the same early failure as {@link #awaitLine}. */
    void awaitCount(Predicate<String> condition, long count, String what) {
        try {
            Awaitility.await(name + ": " + what)
                    .atMost(Timeouts.WAIT)
                    .until(() -> count(condition) >= count || finished());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(name + ": no " + what + " within " + Timeouts.WAIT + "; " + transcript(), e);
        }
        if (count(condition) < count) {
            throw new AssertionError(name + " exited (code " + process.exitValue() + ") before " + what + "; "
                    + transcript());
        }
    }

    private Optional<String> findLine(Predicate<String> condition) {
        return stdout.stream().filter(condition).findFirst();
    }

    /** Exited, and every line it wrote has been read. */
    private boolean finished() {
        return !process.isAlive() && !stdoutReader.isAlive();
    }

    /** Writes one line to the process's standard input. */
    void send(String line) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new AssertionError(name + " does not take input any more (" + e.getMessage() + "); "
                    + transcript(), e);
        }
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running after " + timeout + "; " + transcript());
            }
            stdoutReader.join(Timeouts.WAIT.toMillis());
            stderrReader.join(Timeouts.WAIT.toMillis());
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + name, e);
        }
    }

    /** SIGTERM: the program may end cleanly (mosquitto_sub sends DISCONNECT on it). */
    void terminate() {
        // Through the handle: Process.destroy() would also close our end of the pipes, losing the last lines.
        process.toHandle().destroy();
    }

    /** SIGKILL: the kernel closes the socket, the program sends nothing more. */
    void kill() {
        process.toHandle().destroyForcibly();
        try {
            process.waitFor(Timeouts.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Everything the process printed so far, for failure messages. */
    String transcript() {
        return "command: " + String.join(" ", command) + "\nstdout: " + stdout + "\nstderr: " + stderr;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
        try {
            stdoutReader.join(Timeouts.WAIT.toMillis());
            stderrReader.join(Timeouts.WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (AutoCloseable stream : List.of(process.getOutputStream(), process.getInputStream(),
                process.getErrorStream())) {
            try {
                stream.close();
            } catch (Exception ignored) {
                // already closed
            }
        }
    }
}
