package io.starling.storage.rocksdb;

import io.starling.broker.storage.DeliveryState;
import io.starling.broker.storage.StoreException;
import io.starling.broker.storage.StoreOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which directories a store refuses, and that damage gives a clear error naming the file or directory and
 * RocksDB's reason, never a store that silently holds less; and the offline check on the same cases.
 */
class DataDirectoryTest {

    @TempDir
    Path directory;

    @TempDir
    Path scratch;

    // ---- Format versions and foreign directories.

    @Test
    void aNewerFormatInTheMarkerIsRefusedBeforeOpening() throws Exception {
        createStoreWithData();
        DataDirectory.writeMarker(directory, new DataDirectory.Marker(2, null, 0, 0));

        assertRefused().hasMessageContaining("The data directory " + directory + " was written by format 2; "
                + "this Starling reads format 1");
        StorageCheck.Report report = StorageCheck.check(directory);
        assertThat(report.formatVersion()).isEqualTo(2);
        assertThat(report.healthy()).isFalse();
    }

    @Test
    void aNewerFormatInTheDatabaseIsRefused() throws Exception {
        createStoreWithData();
        try (Engine engine = Engine.open(directory, false, false); WriteOptions sync = new WriteOptions().setSync(true)) {
            engine.db().put(engine.handle(ColumnFamily.META), sync, Keys.FORMAT_VERSION,
                    ByteBuffer.allocate(4).putInt(7).array());
        }

        assertRefused().hasMessageContaining("was written by format 7; this Starling reads format 1");
    }

    @Test
    void anUnknownFormatIsRefused() throws Exception {
        createStoreWithData();
        Files.writeString(directory.resolve(DataDirectory.MARKER_FILE), "format-version=0\n");

        assertRefused().hasMessageContaining("unknown storage format 0");
    }

    @Test
    void aDamagedMarkerIsNamed() throws Exception {
        createStoreWithData();
        Files.writeString(directory.resolve(DataDirectory.MARKER_FILE), "format-version=one\n");

        assertRefused().hasMessageContaining(directory.resolve(DataDirectory.MARKER_FILE).toString());
    }

    @Test
    void aDirectoryHoldingSomethingElseIsRefusedAndLeftAlone() throws Exception {
        Files.writeString(directory.resolve("notes.txt"), "mine");

        assertRefused().hasMessageContaining(directory.toString()).hasMessageContaining("not a Starling data directory");
        try (Stream<Path> entries = Files.list(directory)) {
            assertThat(entries).containsExactly(directory.resolve("notes.txt"));
        }
    }

    @Test
    void anotherRocksDbDatabaseIsRefused() throws Exception {
        try (Options options = new Options().setCreateIfMissing(true);
             RocksDB foreign = RocksDB.open(options, directory.toString())) {
            foreign.put(Samples.bytes("k"), Samples.bytes("v"));
        }

        assertRefused().hasMessageContaining("not a Starling store");
    }

    @Test
    void aFileIsNotADataDirectory() throws Exception {
        Path file = Files.writeString(scratch.resolve("file"), "x");

        assertThatThrownBy(() -> RocksDbStore.open(file, RocksDbStoreConfig.sync()))
                .isInstanceOf(StoreException.class).hasMessageContaining(file + " is not a directory");
    }

    @Test
    void aLostMarkerIsWrittenAgainWhenTheDatabaseIsAStarlingStore() throws Exception {
        createStoreWithData();
        Files.delete(directory.resolve(DataDirectory.MARKER_FILE));

        try (RocksDbStore store = RocksDbStore.open(directory, RocksDbStoreConfig.sync())) {
            assertThat(store.load().retained()).hasSize(2);
        }
        assertThat(DataDirectory.readMarker(directory).manifest()).isNotNull();
    }

    @Test
    void aStoreCreatedButStoppedBeforeItsFormatWasWrittenIsFinished() throws Exception {
        try (Engine engine = Engine.open(directory, true, false)) {
            assertThat(engine.db().getLatestSequenceNumber()).isZero();
        }

        try (RocksDbStore store = RocksDbStore.open(directory, RocksDbStoreConfig.sync())) {
            assertThat(store.load().sessions()).isEmpty();
        }
        assertThat(StorageCheck.check(directory).formatVersion()).isEqualTo(DataDirectory.FORMAT_VERSION);
    }

    @Test
    void aStoreWithDataButNoFormatRecordIsDamaged() throws Exception {
        try (Engine engine = Engine.open(directory, true, false)) {
            engine.db().put(engine.handle(ColumnFamily.SESSIONS), Samples.bytes("a"),
                    RecordCodec.session(Samples.session("a")));
        }

        assertRefused().hasMessageContaining("format version record is missing");
    }

    // ---- Damaged files.

    @Test
    void aTruncatedSstFileIsNamed() throws Exception {
        createStoreWithData();
        Path sst = largestFile("*.sst");
        truncate(sst, Files.size(sst) / 2);

        assertRefused().hasMessageContaining(sst.toString()).hasMessageContaining("Corruption");
        assertThat(StorageCheck.check(directory).problems()).anyMatch(problem -> problem.contains(sst.toString()));
    }

    @Test
    void aMissingSstFileIsNamed() throws Exception {
        createStoreWithData();
        Path sst = largestFile("*.sst");
        Files.delete(sst);

        assertRefused().hasMessageContaining(sst.toString());
    }

    @Test
    void flippedBytesInAnSstFileFailTheLoadAndTheCheckNamingTheFile() throws Exception {
        createStoreWithData();
        Path sst = largestFile("*.sst");
        overwrite(sst, 64, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

        assertThatThrownBy(() -> {
            try (RocksDbStore store = RocksDbStore.open(directory, RocksDbStoreConfig.sync())) {
                store.load();
            }
        }).isInstanceOf(StoreException.class).hasMessageContaining(sst.toString()).hasMessageContaining("checksum");
        StorageCheck.Report report = StorageCheck.check(directory);
        assertThat(report.healthy()).isFalse();
        assertThat(report.problems()).anyMatch(problem -> problem.contains(sst.toString()));
    }

    @Test
    void aTruncatedManifestIsRefusedNotReadAsASmallerStore() throws Exception {
        createStoreWithData();
        Path manifest = largestFile("MANIFEST-*");
        truncate(manifest, Files.size(manifest) / 2);

        assertRefused().hasMessageContaining(manifest.toString()).hasMessageContaining("truncated");
        assertThat(StorageCheck.check(directory).problems()).anyMatch(problem -> problem.contains(manifest.toString()));
        assertThat(manifest).as("nothing was rewritten").hasSize(Files.size(manifest));
    }

    @Test
    void garbageInCurrentIsNamed() throws Exception {
        createStoreWithData();
        Files.writeString(directory.resolve("CURRENT"), "\u0000garbage\n");

        assertRefused().hasMessageContaining(directory.toString()).hasMessageContaining("CURRENT")
                .hasMessageContaining("Corruption");
    }

    @Test
    void aMissingCurrentIsNamed() throws Exception {
        createStoreWithData();
        Files.delete(directory.resolve("CURRENT"));

        assertRefused().hasMessageContaining(directory.resolve("CURRENT").toString()).hasMessageContaining("missing");
    }

    @Test
    void filesRolledBackToAnOlderCopyAreRefused() throws Exception {
        createStoreWithData();
        Path copy = scratch.resolve("copy");
        copyDirectory(directory, copy);
        try (RocksDbStore store = RocksDbStore.open(directory, RocksDbStoreConfig.sync())) {
            store.write(List.of(new StoreOperation.RemoveRetained("r/1"))).toCompletableFuture().join();
        }
        // Put the old RocksDB files back, as a partial restore would, but keep the newer marker.
        Path marker = Files.copy(directory.resolve(DataDirectory.MARKER_FILE), scratch.resolve("marker"));
        deleteDirectory(directory);
        copyDirectory(copy, directory);
        Files.copy(marker, directory.resolve(DataDirectory.MARKER_FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertRefused().hasMessageContaining("CURRENT").hasMessageContaining("older than");
    }

    @Test
    @Timeout(60)
    void aWriteAheadLogDamagedInTheMiddleIsRefused() throws Exception {
        // A child killed before closing leaves its last writes in the write-ahead log only.
        ChildWriter.writeThenKill(directory, 1, 2, 200, scratch.resolve("child.log"));
        Path log = largestFile("*.log");
        assertThat(Files.size(log)).isGreaterThan(10_000);
        overwrite(log, Files.size(log) / 2, new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9});

        assertRefused().hasMessageContaining(directory.toString()).hasMessageContaining("Corruption");
        assertThat(StorageCheck.check(directory).healthy()).isFalse();
    }

    // ---- The offline check.

    @Test
    void theCheckCountsEveryKindInAHealthyStore() throws Exception {
        createStoreWithData();

        StorageCheck.Report report = StorageCheck.check(directory);

        assertThat(report.problems()).isEmpty();
        assertThat(report.healthy()).isTrue();
        assertThat(report.formatVersion()).isEqualTo(DataDirectory.FORMAT_VERSION);
        assertThat(report.counts()).containsEntry("sessions", 2L).containsEntry("subscriptions", 3L)
                .containsEntry("deliveries", 3L).containsEntry("inbound-qos2", 1L).containsEntry("retained", 2L);
        assertThat(report.orphans()).containsEntry("subscriptions", 1L);
        assertThat(report.describe()).contains("healthy").contains("format 1");
    }

    @Test
    void theCheckChangesNothing() throws Exception {
        createStoreWithData();
        List<String> before = listing(directory);

        StorageCheck.check(directory);

        assertThat(listing(directory)).isEqualTo(before);
    }

    @Test
    void theCheckReportsMissingAndForeignDirectories() throws Exception {
        StorageCheck.Report missing = StorageCheck.check(scratch.resolve("nothing"));
        assertThat(missing.healthy()).isFalse();
        assertThat(missing.formatVersion()).isZero();

        Files.writeString(directory.resolve("notes.txt"), "mine");
        assertThat(StorageCheck.check(directory).problems()).anyMatch(p -> p.contains("not a Starling data directory"));
    }

    @Test
    void theCheckRefusesAStoreOpenInThisProcess() {
        try (RocksDbStore store = RocksDbStore.open(directory, RocksDbStoreConfig.sync())) {
            assertThat(StorageCheck.check(directory).problems()).anyMatch(p -> p.contains("open in this process"));
            assertThat(store.load().sessions()).isEmpty();
        }
    }

    @Test
    @Timeout(60)
    void theCheckRefusesAStoreInUseByAnotherProcess() throws Exception {
        Process child = ChildWriter.start(directory, 1, 1, "sync", scratch.resolve("child.log"));
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).as("child opened the store").isEqualTo("OPEN");

            assertThat(StorageCheck.check(directory).problems()).anyMatch(p -> p.contains("another process"));
        } finally {
            child.toHandle().destroyForcibly();
            child.waitFor();
        }
    }

    // ---- Helpers.

    /** Two sessions (one with an orphan subscription beside it), deliveries, an inbound id, retained messages. */
    private void createStoreWithData() {
        try (RocksDbStore store = RocksDbStore.open(directory, RocksDbStoreConfig.sync())) {
            store.write(List.of(
                    new StoreOperation.PutSession(Samples.sessionWithWill("a")),
                    new StoreOperation.PutSession(Samples.session("b")),
                    new StoreOperation.PutSubscription("a", Samples.subscription("x/#", 1)),
                    new StoreOperation.PutSubscription("b", Samples.subscription("y", 2)),
                    new StoreOperation.PutSubscription("orphan", Samples.subscription("z", 2)),
                    new StoreOperation.PutDelivery("a", Samples.delivery(1, DeliveryState.QUEUED, 0)),
                    new StoreOperation.PutDelivery("a", Samples.delivery(2, DeliveryState.AWAITING_PUBCOMP, 4)),
                    new StoreOperation.PutDelivery("b", Samples.delivery(1, DeliveryState.AWAITING_PUBACK, 1)),
                    new StoreOperation.PutInboundQos2("a", 3),
                    new StoreOperation.PutRetained(Samples.message("r/1", new byte[4096])),
                    new StoreOperation.PutRetained(Samples.message("r/2", new byte[10])))).toCompletableFuture().join();
        }
    }

    private org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertRefused() {
        return assertThatThrownBy(() -> RocksDbStore.open(directory, RocksDbStoreConfig.sync()).close())
                .isInstanceOf(StoreException.class);
    }

    private Path largestFile(String glob) throws IOException {
        List<Path> matches = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, glob)) {
            stream.forEach(matches::add);
        }
        assertThat(matches).as("files %s in %s", glob, directory).isNotEmpty();
        matches.sort(Comparator.comparingLong(path -> path.toFile().length()));
        return matches.get(matches.size() - 1);
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    private static void overwrite(Path file, long position, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), position);
        }
    }

    private static List<String> listing(Path directory) throws IOException {
        List<String> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.sorted().forEach(file -> entries.add(file.getFileName() + " " + file.toFile().length()));
        }
        return entries;
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    private static void deleteDirectory(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
    }
}
