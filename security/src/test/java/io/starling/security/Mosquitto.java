package io.starling.security;

import org.awaitility.Awaitility;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The real Mosquitto (Debian package mosquitto / mosquitto-clients) driven from tests: the broker on 127.0.0.1 and a
 * free port, and its command line tools. A missing tool fails the test with a message saying what to install.
 */
final class Mosquitto implements AutoCloseable {
    static final String BROKER = "/usr/sbin/mosquitto";
    static final String PASSWD = "/usr/bin/mosquitto_passwd";
    static final String PUB = "/usr/bin/mosquitto_pub";
    static final String SUB = "/usr/bin/mosquitto_sub";
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final Process process;
    private final int port;
    private final Path log;

    private Mosquitto(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static void require(String binary) {
        if (!Files.isExecutable(Path.of(binary))) {
            throw new AssertionError(binary + " is missing: install the Debian packages mosquitto and "
                    + "mosquitto-clients (apt-get install -y mosquitto mosquitto-clients)");
        }
    }

    /**
     * Starts the broker with {@code settings} (one option a line) after a listener on 127.0.0.1. Runs as the
     * current user even under root ({@code user root}), so that it can read 0600 files the test wrote.
     */
    static Mosquitto start(Path directory, List<String> settings) throws IOException {
        require(BROKER);
        int port = freePort();
        Path conf = directory.resolve("mosquitto-" + port + ".conf");
        Path log = directory.resolve("mosquitto-" + port + ".log");
        List<String> lines = new ArrayList<>();
        lines.add("user root");
        lines.add("per_listener_settings false");
        lines.add("persistence false");
        lines.add("log_dest stdout");
        lines.add("log_type all");
        lines.add("listener " + port + " 127.0.0.1");
        lines.addAll(settings);
        Files.write(conf, lines, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(BROKER, "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Mosquitto mosquitto = new Mosquitto(process, port, log);
        try {
            mosquitto.awaitListening();
        } catch (RuntimeException | Error e) {
            mosquitto.close();
            throw new AssertionError("mosquitto did not start; its log:\n" + mosquitto.logText(), e);
        }
        return mosquitto;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitListening() {
        Awaitility.await("mosquitto listening on port " + port).atMost(TIMEOUT).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("mosquitto exited with " + process.exitValue());
                    }
                    try (Socket probe = new Socket()) {
                        probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    int port() {
        return port;
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Common arguments of mosquitto_pub / mosquitto_sub for this broker. */
    List<String> connection(String clientId, String user, String password) {
        List<String> args = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", Integer.toString(port), "-i", clientId));
        if (user != null) {
            args.addAll(List.of("-u", user, "-P", password));
        }
        return args;
    }

    @Override
    public void close() {
        stop(process);
    }

    static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The outcome of a tool run to its end. */
    record Result(int exitCode, String output) {
    }

    /** Runs a tool to completion (at most 15 s), output and errors merged. */
    static Result run(List<String> command) {
        require(command.get(0));
        Path output = null;
        try {
            output = Files.createTempFile("mosquitto-tool", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                stop(process);
                throw new AssertionError(command + " did not finish within " + TIMEOUT);
            }
            return new Result(process.exitValue(), Files.readString(output));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless
                }
            }
        }
    }

    /** A long-running tool (mosquitto_sub) whose output lines are collected as they come. */
    static final class Running implements AutoCloseable {
        private final Process process;
        private final List<String> command;
        private final List<String> lines = new CopyOnWriteArrayList<>();

        Running(List<String> command) {
            require(command.get(0));
            this.command = command;
            List<String> lineBuffered = new ArrayList<>(List.of("/usr/bin/stdbuf", "-oL"));
            lineBuffered.addAll(command);
            try {
                process = new ProcessBuilder(lineBuffered).redirectErrorStream(true).start();
                process.getOutputStream().close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + command, e);
            }
            Thread pump = new Thread(this::pump, "output of " + command.get(0));
            pump.setDaemon(true);
            pump.start();
        }

        private void pump() {
            try (BufferedReader output = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = output.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process was stopped: its output ends here
            }
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        /** Waits until a line matches; returns the lines printed up to and including it. */
        List<String> awaitLine(Predicate<String> condition) {
            Awaitility.await(String.join(" ", command) + " prints the expected line")
                    .atMost(TIMEOUT).pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        if (lines.stream().anyMatch(condition)) {
                            return true;
                        }
                        if (!process.isAlive()) {
                            throw new AssertionError(command + " exited with " + process.exitValue()
                                    + "; output: " + lines);
                        }
                        return false;
                    });
            List<String> upTo = new ArrayList<>();
            for (String line : lines) {
                upTo.add(line);
                if (condition.test(line)) {
                    break;
                }
            }
            return upTo;
        }

        @Override
        public void close() {
            stop(process);
        }
    }
}
