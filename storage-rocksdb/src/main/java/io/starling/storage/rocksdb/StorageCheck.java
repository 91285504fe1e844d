package io.starling.storage.rocksdb;

import io.starling.broker.storage.StoreException;
import org.rocksdb.RocksDBException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The offline check of a data directory, behind {@code starling storage check}: it opens the store read-only
 * (changing nothing), runs every check a broker's start runs, verifies the checksum of every block of every SST
 * file, decodes every record, and reports what it found instead of stopping at the first problem.
 */
public final class StorageCheck {

    private StorageCheck() {
    }

    /**
     * What the check found.
     *
     * @param formatVersion the storage format of the directory, 0 when it could not be read
     * @param counts        records per kind (column family name to count); deliveries count each delivery once
     * @param orphans       records per kind that belong to no session: left out at load, harmless, but a sign
     *                      that the broker wrote them without their session
     * @param problems      damage: the store would not start, or would not give back everything
     */
    public record Report(Path dataDirectory, int formatVersion, Map<String, Long> counts, Map<String, Long> orphans,
                         List<String> problems) {

        public boolean healthy() {
            return problems.isEmpty();
        }

        /** A human-readable report, several lines. */
        public String describe() {
            StringBuilder text = new StringBuilder("Starling store ").append(dataDirectory).append(": ")
                    .append(formatVersion > 0 ? "format " + formatVersion : "format unknown").append(", ")
                    .append(healthy() ? "healthy" : problems.size() + " problem(s)").append('\n');
            if (!counts.isEmpty()) {
                text.append("  records: ").append(counts).append('\n');
            }
            if (!orphans.isEmpty()) {
                text.append("  records of no session (ignored at load): ").append(orphans).append('\n');
            }
            for (String problem : problems) {
                text.append("  PROBLEM: ").append(problem).append('\n');
            }
            return text.toString();
        }
    }

    /** Checks {@code dataDirectory}, which no broker may have open. Never throws for a damaged store. */
    public static Report check(Path dataDirectory) {
        Path directory = dataDirectory.toAbsolutePath().normalize();
        List<String> problems = new ArrayList<>();
        if (RocksDbStore.isOpenInThisProcess(directory)) {
            problems.add("The store is open in this process; check it while no broker uses it");
            return new Report(directory, 0, Map.of(), Map.of(), problems);
        }
        if (!Files.isDirectory(directory)) {
            problems.add(directory + " does not exist or is not a directory");
            return new Report(directory, 0, Map.of(), Map.of(), problems);
        }
        if (lockedByAnotherProcess(directory)) {
            problems.add("The store is in use by another process (a running broker?); stop it and check again");
            return new Report(directory, markerFormat(directory), Map.of(), Map.of(), problems);
        }
        Engine engine;
        try {
            engine = DataDirectory.open(directory, true);
        } catch (StoreException e) {
            problems.add(e.getMessage());
            return new Report(directory, markerFormat(directory), Map.of(), Map.of(), problems);
        }
        try {
            int format = storedFormat(engine);
            try {
                engine.db().verifyChecksum();
            } catch (RocksDBException e) {
                problems.add("Checksum verification failed: " + DataDirectory.describe(e));
            }
            StoreReader.Result result = StoreReader.read(engine, false);
            problems.addAll(result.problems());
            return new Report(directory, format, byName(result.counts()), byName(result.orphans()),
                    List.copyOf(problems));
        } finally {
            engine.close();
        }
    }

    private static Map<String, Long> byName(Map<ColumnFamily, Long> counts) {
        Map<String, Long> named = new LinkedHashMap<>();
        counts.forEach((family, count) -> {
            if (family != ColumnFamily.META) {
                named.put(family.columnFamilyName(), count);
            }
        });
        return Collections.unmodifiableMap(named);
    }

    private static int storedFormat(Engine engine) {
        try {
            byte[] value = engine.db().get(engine.handle(ColumnFamily.META), Keys.FORMAT_VERSION);
            return value != null && value.length == Integer.BYTES ? ByteBuffer.wrap(value).getInt() : 0;
        } catch (RocksDBException e) {
            return 0;
        }
    }

    private static int markerFormat(Path directory) {
        try {
            DataDirectory.Marker marker = DataDirectory.readMarker(directory);
            return marker == null ? 0 : marker.formatVersion();
        } catch (StoreException e) {
            return 0;
        }
    }

    /**
     * RocksDB holds an fcntl lock on its LOCK file while open; so does this probe, briefly. Only used when no
     * store of this process has the directory open, since closing the probe releases the process's locks on it.
     */
    private static boolean lockedByAnotherProcess(Path directory) {
        Path lockFile = directory.resolve("LOCK");
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false; // read-only media and the like: the read-only open below still works
        }
    }
}
