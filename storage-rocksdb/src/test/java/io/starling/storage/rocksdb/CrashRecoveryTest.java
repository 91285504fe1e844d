package io.starling.storage.rocksdb;

import io.starling.broker.storage.StoreContents;
import io.starling.broker.storage.StoredMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker killed with SIGKILL loses nothing it acknowledged in {@code sync} mode: a child JVM writes from four
 * threads and prints each acknowledged batch; it is killed at a random point; the store is reopened and every
 * acknowledged batch must be there, and every batch must be all there or absent (atomicity). Repeated on the
 * same directory, so recovery also runs on a directory that was itself recovered.
 */
class CrashRecoveryTest {

    @TempDir
    Path directory;

    @TempDir
    Path logs;

    @Test
    @Timeout(180)
    void everyAcknowledgedBatchSurvivesKillNineInSyncMode() throws Exception {
        killAndCheck("sync", 3, 20_240_401);
    }

    /**
     * Periodic mode acknowledges before the fsync, but after the write reached the operating system: a crash of
     * the process alone (unlike one of the machine) loses nothing acknowledged either.
     */
    @Test
    @Timeout(120)
    void everyAcknowledgedBatchSurvivesKillNineInPeriodicMode() throws Exception {
        killAndCheck("periodic", 2, 77);
    }

    private void killAndCheck(String durability, int runs, long seed) throws Exception {
        Random random = new Random(seed);
        Set<Long> allAcknowledged = new HashSet<>();
        for (int run = 1; run <= runs; run++) {
            int killAfter = 20 + random.nextInt(300);
            Set<Long> acknowledged = ChildWriter.writeThenKill(directory, run, 4, durability, killAfter,
                    logs.resolve("child-" + run + ".log"));
            allAcknowledged.addAll(acknowledged);

            StoreContents contents;
            try (RocksDbStore store = RocksDbStore.open(directory, RocksDbStoreConfig.sync())) {
                contents = store.load();
            }

            int finalRun = run;
            assertThat(allAcknowledged).as("run %d: acknowledged batches present after kill -9", run)
                    .allMatch(id -> CrashWriterMain.isComplete(contents, id), "complete in the reopened store");
            for (StoredMessage retained : contents.retained()) {
                long id = Long.parseLong(retained.topic().substring(2));
                assertThat(CrashWriterMain.isComplete(contents, id)).as("run %d: batch %d is whole", finalRun, id)
                        .isTrue();
            }
            assertThat(contents.sessions()).hasSameSizeAs(contents.retained());
        }
        StorageCheck.Report report = StorageCheck.check(directory);
        assertThat(report.problems()).isEmpty();
        assertThat(report.counts().get("sessions")).isGreaterThanOrEqualTo(allAcknowledged.size());
    }
}
