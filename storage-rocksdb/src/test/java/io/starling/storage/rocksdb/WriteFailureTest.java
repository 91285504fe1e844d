package io.starling.storage.rocksdb;

import io.starling.broker.storage.StoreContents;
import io.starling.broker.storage.StoreException;
import io.starling.broker.storage.StoreOperation;
import io.starling.broker.storage.StoredMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * A disk that refuses writes: publishers must get a failure, never a false acknowledgement, and the store must
 * take writes again once the disk does, without a restart.
 *
 * <p>How the disk is made to refuse: the test lowers this JVM's file-size limit (RLIMIT_FSIZE, with util-linux
 * {@code prlimit} on our own pid; allowed to any user, root included, and root is not exempt from it) just above
 * the store's current files, so the write-ahead log's next append fails with EFBIG ("File too large") the way a
 * full disk fails one with ENOSPC; the JVM ignores SIGXFSZ. Raising the limit again is "the space came back".
 * Neither a read-only directory (root writes anyway) nor a small file system (needs mount) works for every user.
 */
class WriteFailureTest {

    private static final int PAYLOAD = 32 * 1024;

    @TempDir
    Path directory;

    @Test
    @Timeout(120)
    void failedWritesAreNeverAcknowledgedAndWritesResumeOnceTheDiskTakesThemAgain() throws Exception {
        Random random = new Random(5);
        List<String> acknowledged = new ArrayList<>();
        String originalLimit = fileSizeLimit();
        try (RocksDbStore store = RocksDbStore.open(directory, RocksDbStoreConfig.sync())) {
            for (int i = 0; i < 3; i++) {
                write(store, "before/" + i, Samples.randomBytes(random, PAYLOAD));
                acknowledged.add("before/" + i);
            }
            long limit = largestFileSize() + 8L * PAYLOAD;
            StoreException firstFailure = null;
            byte[] tooLargeForTheLimit = Samples.randomBytes(random, (int) limit + PAYLOAD);
            try {
                setFileSizeLimit(Long.toString(limit));
                for (int i = 0; i < 100 && firstFailure == null; i++) {
                    String topic = "filling/" + i;
                    try {
                        write(store, topic, Samples.randomBytes(random, PAYLOAD));
                        acknowledged.add(topic);
                    } catch (StoreException e) {
                        firstFailure = e;
                    }
                }
                assertThat(firstFailure).as("a write failed once the log reached the limit").isNotNull();
                assertThat(firstFailure).hasMessageContaining(directory.toString())
                        .hasMessageContaining("File too large").hasMessageContaining("Nothing of this write was acknowledged");

                // While the cause lasts, writes keep failing (reopened or not): no acknowledgement sneaks through.
                assertThatThrownBy(() -> write(store, "during", tooLargeForTheLimit))
                        .isInstanceOf(StoreException.class);
            } finally {
                setFileSizeLimit(originalLimit);
            }

            write(store, "after", tooLargeForTheLimit);
            acknowledged.add("after");
            write(store, "after/small", Samples.bytes("x"));
            acknowledged.add("after/small");
            RocksDbStoreStats stats = store.stats();
            assertThat(stats.batchesFailed()).isGreaterThanOrEqualTo(2);
            assertThat(stats.reopens()).isGreaterThanOrEqualTo(1);
        }

        try (RocksDbStore store = RocksDbStore.open(directory, RocksDbStoreConfig.sync())) {
            StoreContents contents = store.load();
            List<String> stored = contents.retained().stream().map(StoredMessage::topic).toList();
            assertThat(stored).containsAll(acknowledged).doesNotContain("during");
        }
        assertThat(StorageCheck.check(directory).problems()).isEmpty();
    }

    private static void write(RocksDbStore store, String topic, byte[] payload) {
        try {
            store.write(List.of(new StoreOperation.PutRetained(Samples.plainMessage(topic, payload))))
                    .toCompletableFuture().join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(StoreException.class);
            throw (StoreException) e.getCause();
        }
    }

    private long largestFileSize() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.mapToLong(file -> file.toFile().length()).max().orElse(0);
        }
    }

    /** The soft RLIMIT_FSIZE of this JVM: a number of bytes or "unlimited". */
    private static String fileSizeLimit() throws Exception {
        return prlimit("--fsize", "--raw", "--noheadings", "--output=SOFT").trim();
    }

    /** Sets the soft limit only; the hard limit stays, so raising it back needs no privilege. */
    private static void setFileSizeLimit(String soft) throws Exception {
        prlimit("--fsize=" + soft + ":");
        assertThat(fileSizeLimit()).isEqualTo(soft);
    }

    private static String prlimit(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("prlimit", "--pid",
                Long.toString(ProcessHandle.current().pid())));
        command.addAll(List.of(arguments));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return fail("this test needs util-linux prlimit on the PATH: " + e.getMessage());
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("prlimit %s: %s", command, output).isZero();
        return output;
    }
}
