package io.starling.cli;

import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ListenerConfig;
import io.starling.cli.Cli.Result;
import io.starling.cli.Cli.RunningSub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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

class BrokerCommandTest {

    @Test
    void flagsReplaceTheFirstListenersAddressOnly() {
        BrokerConfig twoListeners = new BrokerConfig(List.of(new ListenerConfig("a", "127.0.0.1", 1883),
                new ListenerConfig("b", "127.0.0.2", 1884)), null, null, null, null);

        assertThat(BrokerCommand.applyFlags(twoListeners, null, null)).isSameAs(twoListeners);
        assertThat(BrokerCommand.applyFlags(twoListeners, "0.0.0.0", null).listeners()).containsExactly(
                new ListenerConfig("a", "0.0.0.0", 1883), new ListenerConfig("b", "127.0.0.2", 1884));
        assertThat(BrokerCommand.applyFlags(twoListeners, null, 2000).listeners()).containsExactly(
                new ListenerConfig("a", "127.0.0.1", 2000), new ListenerConfig("b", "127.0.0.2", 1884));
        assertThat(BrokerCommand.applyFlags(BrokerConfig.DEFAULT, "::1", 0))
                .isEqualTo(BrokerConfig.DEFAULT.withListener("::1", 0));
    }

    @Test
    void invalidConfigFileIsOneLineAndExitCode1(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("starling.yaml"), "connection:\n  receive-maximum: 0\n");

        assertThat(Cli.run("broker", "--config", file.toString())).isEqualTo(new Result(1, "",
                "starling broker: error: " + file + ": connection.receive-maximum must be 1..65535: 0\n"));
    }

    @Test
    void unknownKeyInConfigFileIsOneLineAndExitCode1(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("starling.yaml"), "listeners:\n  - prot: 1883\n");

        Result result = Cli.run("broker", "-c", file.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("starling broker: error: " + file
                + ": listeners[0].prot: unknown key; 'listeners[0]' keys are name, type, bind, port, websocket-path, "
                + "proxy-protocol, max-connections, max-connection-rate, tls\n");
    }

    @Test
    void missingConfigFileIsOneLineAndExitCode1(@TempDir Path dir) {
        Path missing = dir.resolve("missing.yaml");

        assertThat(Cli.run("broker", "--config", missing.toString())).isEqualTo(new Result(1, "",
                "starling broker: error: " + missing + ": no such file\n"));
    }

    @Test
    void invalidFlagsAreUsageErrors() {
        assertThat(Cli.run("broker", "--port", "65536"))
                .isEqualTo(new Result(2, "", "starling broker: error: --port must be 0..65535: 65536\n"));
        assertThat(Cli.run("broker", "--log-level", "loud").err()).startsWith(
                "starling broker: error: Invalid value for option '--log-level': expected one of "
                        + "[ERROR, WARN, INFO, DEBUG, TRACE] (case-insensitive) but was 'loud'");
    }

    @Test
    void runsUntilStoppedServingPubAndSub(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("starling.yaml"), "listeners:\n  - name: main\n    port: 1\n");
        AtomicReference<Broker> started = new AtomicReference<>();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            // The file says port 1, the flag wins: 0, a free port.
            Future<Result> broker = executor.submit(() -> Cli.run(commandLine -> brokerCommand(commandLine)
                    .onStarted = started::set, "broker", "--config", file.toString(), "--port", "0",
                    "--data-dir", dir.resolve("data").toString(), "--log-level", "info"));
            await("broker started").atMost(Duration.ofSeconds(15)).until(() -> started.get() != null || broker.isDone());
            assertThat(started.get()).as("broker did not start: %s", broker.isDone() ? broker.get() : "").isNotNull();
            String port = String.valueOf(started.get().port());
            assertThat(BrokerCommand.describeListeners(started.get().config(), started.get()))
                    .isEqualTo("main 127.0.0.1:" + port);

            try (RunningSub sub = RunningSub.start("sub", "-p", port, "-t", "via/cli", "-C", "1", "-W", "20")) {
                assertThat(Cli.run("pub", "-p", port, "-t", "via/cli", "-q", "1", "-m", "served").exitCode()).isZero();
                assertThat(sub.finish()).isEqualTo(new Result(0, "served\n", ""));
            }

            broker.cancel(true); // interrupts the command, as a signal would end its wait
            await("broker stopped").atMost(Duration.ofSeconds(15)).until(broker::isDone);
            assertThat(Cli.run("pub", "-p", port, "-t", "t", "-m", "x").err()).contains("Connection refused");
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(15, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void portInUseIsOneLineAndExitCode1() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Result result = Cli.run("broker", "--port", String.valueOf(taken.getLocalPort()), "--durability", "none");

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.out()).isEmpty();
            assertThat(result.err()).startsWith("starling broker: error: cannot start: ").hasLineCount(1)
                    .endsWith(": Address already in use\n");
        }
    }

    @Test
    void unknownDurabilityIsAnOptionError() {
        assertThat(Cli.run("broker", "--durability", "fast"))
                .isEqualTo(new Result(2, "", "starling broker: error: --durability must be sync, periodic or none: fast\n"));
    }

    @Test
    void aStoreInUseIsOneLineAndExitCode1(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (var store = io.starling.storage.rocksdb.RocksDbStore.open(data,
                io.starling.storage.rocksdb.RocksDbStoreConfig.sync())) {
            Result result = Cli.run("broker", "--port", "0", "--data-dir", data.toString());

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).startsWith("starling broker: error: cannot open the store: ").hasLineCount(1)
                    .contains(data.toAbsolutePath().normalize().toString());
        }
    }

    @Test
    void aStoreOfANewerFormatOrDamagedIsRefusedAtStartWithOneLineNamingIt(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        io.starling.storage.rocksdb.RocksDbStore.open(data, io.starling.storage.rocksdb.RocksDbStoreConfig.sync())
                .close();
        Path marker = data.resolve("STARLING-STORE");
        String written = Files.readString(marker);
        Files.writeString(marker, written.replaceAll("format-version=\\d+", "format-version=99"));
        Result newer = Cli.run("broker", "--port", "0", "--data-dir", data.toString());
        assertThat(newer.exitCode()).isEqualTo(1);
        assertThat(newer.err()).startsWith("starling broker: error: cannot open the store: ").hasLineCount(1)
                .contains("written by format 99", "Refusing to start");

        Files.writeString(marker, written);
        Files.writeString(data.resolve("CURRENT"), "garbage\n");
        Result damaged = Cli.run("broker", "--port", "0", "--data-dir", data.toString());
        assertThat(damaged.exitCode()).isEqualTo(1);
        assertThat(damaged.err()).startsWith("starling broker: error: cannot open the store: ").hasLineCount(1)
                .contains("damaged", data.toAbsolutePath().normalize().resolve("CURRENT").toString());
    }

    @Test
    void storageCheckReportsAHealthyAndADamagedDirectory(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        io.starling.storage.rocksdb.RocksDbStore.open(data, io.starling.storage.rocksdb.RocksDbStoreConfig.sync())
                .close();
        Result healthy = Cli.run("storage", "check", data.toString());
        assertThat(healthy.exitCode()).as(healthy.toString()).isZero();
        assertThat(healthy.out()).contains("healthy");

        Files.writeString(data.resolve("STARLING-STORE"), "format 999\n");
        Result damaged = Cli.run("storage", "check", data.toString());
        assertThat(damaged.exitCode()).as(damaged.toString()).isEqualTo(1);
        assertThat(damaged.out()).contains("PROBLEM");
    }

    private static BrokerCommand brokerCommand(picocli.CommandLine commandLine) {
        return commandLine.getSubcommands().get("broker").getCommand();
    }
}
