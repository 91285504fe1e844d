package io.starling.cli;

import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Runs the starling command line in this JVM, as main would, with stdout and stderr captured. */
final class Cli {

    /** What a finished command printed and returned. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + ", stdout [" + out + "], stderr [" + err + "]";
        }
    }

    private Cli() {
    }

    static Result run(String... args) {
        return run(commandLine -> { }, args);
    }

    /** Runs {@code starling pub ...} with the given bytes on its stdin. */
    static Result runWithStdin(byte[] stdin, String... args) {
        return run(commandLine -> pub(commandLine).stdin = new ByteArrayInputStream(stdin), args);
    }

    static Result run(Consumer<CommandLine> setUp, String... args) {
        CommandLine commandLine = StarlingCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        setUp.accept(commandLine);
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    static PubCommand pub(CommandLine commandLine) {
        return commandLine.getSubcommands().get("pub").getCommand();
    }

    static SubCommand sub(CommandLine commandLine) {
        return commandLine.getSubcommands().get("sub").getCommand();
    }

    /** A {@code starling sub} running in the background. */
    static final class RunningSub implements AutoCloseable {
        private final ExecutorService executor = Executors.newSingleThreadExecutor();
        private final CountDownLatch subscribed = new CountDownLatch(1);
        private final Future<Result> result;

        /** Starts {@code sub} with the given arguments and returns once the broker has answered its SUBSCRIBE. */
        static RunningSub start(String... args) {
            RunningSub running = new RunningSub(args);
            await("sub subscribed").atMost(Duration.ofSeconds(15))
                    .until(() -> running.subscribed.getCount() == 0 || running.result.isDone());
            assertThat(running.subscribed.getCount())
                    .as("sub did not subscribe: %s", running.result.isDone() ? running.finish() : "")
                    .isZero();
            return running;
        }

        private RunningSub(String... args) {
            result = executor.submit(() -> run(commandLine -> sub(commandLine).afterSubscribe = subscribed::countDown,
                    args));
        }

        /** Waits for sub to exit on its own (it must be given -C or -W) and returns what it printed. */
        Result finish() {
            try {
                return result.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("sub did not finish", e);
            }
        }

        @Override
        public void close() {
            result.cancel(true);
            executor.shutdownNow();
        }
    }
}
