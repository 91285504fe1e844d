package io.starling.storage.rocksdb;

import io.starling.broker.storage.StoreException;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What makes a directory a Starling store, and the checks made before and after RocksDB opens it.
 *
 * <p>Besides the RocksDB files a store holds a small text file, {@value #MARKER_FILE}, with the storage format
 * version and two watermarks written at every open and clean close: the name and size of the MANIFEST and the
 * last sequence number. They catch what RocksDB alone would let pass silently: RocksDB reads a MANIFEST up to
 * its first damaged record and then deletes the SST files the lost records named, and replays only what its
 * files still hold. A MANIFEST shorter than the size recorded for it, CURRENT naming an older MANIFEST, or fewer
 * writes than the recorded sequence, all refuse the open with a message naming the file. What was written after
 * the last watermark is protected by RocksDB's own checks only (checksums of every SST block and WAL record,
 * SST sizes against the MANIFEST).
 *
 * <p>The format version is also stored in the database itself ({@code meta} column family), as the authority
 * for what the records mean; the copy in the marker lets a future version refuse without opening the database.
 */
final class DataDirectory {

    /** The storage format this code writes and reads. Raise it for any change old code could misread. */
    static final int FORMAT_VERSION = 1;
    static final String MARKER_FILE = "STARLING-STORE";

    private static final String KEY_FORMAT = "format-version";
    private static final String KEY_MANIFEST = "manifest";
    private static final String KEY_MANIFEST_BYTES = "manifest-bytes";
    private static final String KEY_SEQUENCE = "sequence";
    private static final Pattern MANIFEST_NAME = Pattern.compile("MANIFEST-(\\d+)");
    /** Entries an empty file system's root may hold; a directory with nothing else counts as empty. */
    private static final Set<String> IGNORED_WHEN_EMPTY = Set.of("lost+found");

    /** What the marker says; manifest and sequence are absent in a marker written before the first open. */
    record Marker(int formatVersion, String manifest, long manifestBytes, long sequence) {
    }

    private DataDirectory() {
    }

    /**
     * Opens the store in {@code directory}: creates it when the directory is missing or empty (unless read-only),
     * otherwise checks that it is a Starling store of a known format and undamaged as far as can be told before
     * reading it. Every failure is a {@link StoreException} naming the directory or file.
     */
    static Engine open(Path directory, boolean readOnly) {
        if (isMissingOrEmpty(directory)) {
            if (readOnly) {
                throw new StoreException("No Starling store in " + directory + ": the directory is missing or empty");
            }
            return create(directory);
        }
        Marker marker = readMarker(directory);
        checkLooksLikeStore(directory, marker);
        if (marker != null) {
            checkFormat(directory, marker.formatVersion());
            checkManifestWatermark(directory, marker);
        }
        checkColumnFamilies(directory, marker);
        Engine engine = openEngine(directory, false, readOnly);
        try {
            checkStoredFormat(engine, readOnly);
            checkSequenceWatermark(engine, marker);
            if (!readOnly) {
                writeWatermarkQuietly(engine);
            }
            return engine;
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /**
     * Records the watermarks of an open, healthy store: the MANIFEST and its size as RocksDB last committed it
     * (not as the file system shows it: an edit being appended right now is not durable yet) and the last
     * sequence number, which must be durable too: call it right after opening, or after flushing the memtables.
     */
    static void writeWatermarkQuietly(Engine engine) {
        Path directory = engine.directory();
        try {
            RocksDB.LiveFiles live = engine.db().getLiveFiles(false);
            String manifest = null;
            for (String file : live.files) {
                String name = Path.of(file).getFileName().toString();
                if (MANIFEST_NAME.matcher(name).matches()) {
                    manifest = name;
                }
            }
            long sequence = engine.db().getLatestSequenceNumber();
            writeMarker(directory, new Marker(FORMAT_VERSION, manifest, manifest == null ? 0 : live.manifestFileSize,
                    sequence));
        } catch (IOException | RocksDBException | RuntimeException e) {
            // Keeping the older watermark is safe: it is a lower bound of what the store holds.
            org.slf4j.LoggerFactory.getLogger(DataDirectory.class)
                    .warn("Could not update {} in {}: {}", MARKER_FILE, directory, e.toString());
        }
    }

    static boolean isMissingOrEmpty(Path directory) {
        if (!Files.exists(directory)) {
            return true;
        }
        if (!Files.isDirectory(directory)) {
            throw new StoreException("The data directory " + directory + " is not a directory");
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.allMatch(entry -> IGNORED_WHEN_EMPTY.contains(entry.getFileName().toString()));
        } catch (IOException e) {
            throw new StoreException("Cannot read the data directory " + directory + ": " + e, e);
        }
    }

    private static Engine create(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StoreException("Cannot create the data directory " + directory + ": " + e, e);
        }
        Engine engine = openEngine(directory, true, false);
        try (WriteOptions sync = new WriteOptions().setSync(true)) {
            engine.db().put(engine.handle(ColumnFamily.META), sync, Keys.FORMAT_VERSION,
                    ByteBuffer.allocate(Integer.BYTES).putInt(FORMAT_VERSION).array());
            writeWatermarkQuietly(engine);
            return engine;
        } catch (RocksDBException | RuntimeException e) {
            engine.close();
            throw new StoreException("Cannot initialise a store in " + directory + ": " + describe(e), e);
        }
    }

    private static Engine openEngine(Path directory, boolean create, boolean readOnly) {
        try {
            return Engine.open(directory, create, readOnly);
        } catch (RocksDBException e) {
            String reason = describe(e);
            if (!reason.contains(directory.toString())) {
                // RocksDB names SST and MANIFEST files, not the write-ahead log it was replaying: list the candidates.
                reason += " (write-ahead log files: " + filesEndingWith(directory, ".log") + ")";
            }
            throw new StoreException("Cannot open the Starling data directory " + directory + ": " + reason
                    + hint(directory), e);
        }
    }

    private static List<String> filesEndingWith(Path directory, String suffix) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(entry -> entry.getFileName().toString()).filter(name -> name.endsWith(suffix))
                    .sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void checkLooksLikeStore(Path directory, Marker marker) {
        boolean hasCurrent = Files.exists(directory.resolve("CURRENT"));
        if (marker == null && !hasCurrent) {
            throw new StoreException("The data directory " + directory + " is not a Starling data directory: it is "
                    + "not empty and holds neither " + MARKER_FILE + " nor a RocksDB CURRENT file. Point the data "
                    + "directory at a new or empty directory (if Starling was creating it when it stopped, delete it).");
        }
        if (!hasCurrent) {
            throw new StoreException("The data directory " + directory + " is damaged: " + directory.resolve("CURRENT")
                    + " (which names the live MANIFEST) is missing" + hint(directory));
        }
        if (currentManifest(directory) == null) {
            // RocksDB itself may read a damaged CURRENT as naming some other file and report something vaguer.
            throw new StoreException("The data directory " + directory + " is damaged: Corruption: "
                    + directory.resolve("CURRENT") + " does not name a MANIFEST file" + hint(directory));
        }
    }

    static void checkFormat(Path directory, int format) {
        if (format > FORMAT_VERSION) {
            throw new StoreException("The data directory " + directory + " was written by format " + format
                    + "; this Starling reads format " + FORMAT_VERSION + " (a newer Starling wrote it). Refusing to"
                    + " start rather than misread it.");
        }
        if (format < 1) {
            throw new StoreException("The data directory " + directory + " has an unknown storage format " + format
                    + "; this Starling reads format " + FORMAT_VERSION + ".");
        }
    }

    private static void checkManifestWatermark(Path directory, Marker marker) {
        String current = currentManifest(directory);
        if (marker.manifest() == null || current == null) {
            return; // no watermark yet, or CURRENT unreadable: RocksDB reports the latter with its own words
        }
        long recorded = manifestNumber(marker.manifest());
        long named = manifestNumber(current);
        if (named < recorded) {
            throw new StoreException("The data directory " + directory + " is damaged: " + directory.resolve("CURRENT")
                    + " names " + current + ", older than " + marker.manifest() + " which the store last used"
                    + hint(directory));
        }
        Path manifest = directory.resolve(current);
        if (named == recorded && Files.exists(manifest)) {
            long size = sizeOf(manifest);
            if (size < marker.manifestBytes()) {
                throw new StoreException("The data directory " + directory + " is damaged: " + manifest + " is "
                        + size + " bytes, but was " + marker.manifestBytes() + " bytes when the store was last opened"
                        + " or closed (truncated)" + hint(directory));
            }
        }
    }

    private static void checkColumnFamilies(Path directory, Marker marker) {
        List<String> present;
        try {
            present = Engine.columnFamilies(directory);
        } catch (RocksDBException e) {
            throw new StoreException("Cannot open the Starling data directory " + directory + ": " + describe(e)
                    + hint(directory), e);
        }
        Set<String> expected = new TreeSet<>();
        for (ColumnFamily family : ColumnFamily.values()) {
            expected.add(family.columnFamilyName());
        }
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(present);
        Set<String> unknown = new TreeSet<>(present);
        unknown.removeAll(expected);
        unknown.remove("default");
        if (marker == null && !missing.isEmpty()) {
            throw new StoreException("The data directory " + directory + " holds a RocksDB database that is not a "
                    + "Starling store (no " + MARKER_FILE + " file; column families " + present + ")");
        }
        if (!missing.isEmpty()) {
            throw new StoreException("The data directory " + directory + " is damaged: column families " + missing
                    + " are missing from " + directory.resolve(String.valueOf(currentManifest(directory))) + hint(directory));
        }
        if (!unknown.isEmpty()) {
            throw new StoreException("The data directory " + directory + " has column families this Starling does "
                    + "not know: " + unknown + " (written by a newer Starling?). This Starling reads format "
                    + FORMAT_VERSION + ".");
        }
    }

    private static void checkStoredFormat(Engine engine, boolean readOnly) {
        Path directory = engine.directory();
        byte[] value;
        try {
            value = engine.db().get(engine.handle(ColumnFamily.META), Keys.FORMAT_VERSION);
        } catch (RocksDBException e) {
            throw new StoreException("Cannot read the format version in " + directory + ": " + describe(e), e);
        }
        if (value == null) {
            if (readOnly || !isEmpty(engine)) {
                throw new StoreException("The data directory " + directory + " is damaged: its format version record"
                        + " is missing" + hint(directory));
            }
            // Created but stopped before the version was written: finish what was started.
            try (WriteOptions sync = new WriteOptions().setSync(true)) {
                engine.db().put(engine.handle(ColumnFamily.META), sync, Keys.FORMAT_VERSION,
                        ByteBuffer.allocate(Integer.BYTES).putInt(FORMAT_VERSION).array());
            } catch (RocksDBException e) {
                throw new StoreException("Cannot initialise a store in " + directory + ": " + describe(e), e);
            }
            return;
        }
        if (value.length != Integer.BYTES) {
            throw new StoreException("The data directory " + directory + " is damaged: its format version record "
                    + "has " + value.length + " bytes" + hint(directory));
        }
        checkFormat(directory, ByteBuffer.wrap(value).getInt());
    }

    private static boolean isEmpty(Engine engine) {
        for (ColumnFamily family : ColumnFamily.values()) {
            try (RocksIterator iterator = engine.db().newIterator(engine.handle(family))) {
                iterator.seekToFirst();
                if (iterator.isValid()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void checkSequenceWatermark(Engine engine, Marker marker) {
        if (marker == null) {
            return;
        }
        long latest = engine.db().getLatestSequenceNumber();
        if (latest < marker.sequence()) {
            throw new StoreException("The data directory " + engine.directory() + " is damaged: it holds writes up to"
                    + " sequence number " + latest + ", but had reached " + marker.sequence() + " when it was last "
                    + "opened or closed: write-ahead log or MANIFEST files are missing or truncated"
                    + hint(engine.directory()));
        }
    }

    /** The marker, or null when the directory has none. */
    static Marker readMarker(Path directory) {
        Path file = directory.resolve(MARKER_FILE);
        Properties properties = new Properties();
        try {
            properties.load(new java.io.StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            throw new StoreException("Cannot read " + file + ": " + e, e);
        }
        try {
            int format = Integer.parseInt(required(properties, KEY_FORMAT));
            String manifest = properties.getProperty(KEY_MANIFEST);
            if (manifest != null && !MANIFEST_NAME.matcher(manifest).matches()) {
                throw new IllegalArgumentException("bad " + KEY_MANIFEST + " " + manifest);
            }
            long manifestBytes = Long.parseLong(properties.getProperty(KEY_MANIFEST_BYTES, "0"));
            long sequence = Long.parseLong(properties.getProperty(KEY_SEQUENCE, "0"));
            return new Marker(format, manifest, manifestBytes, sequence);
        } catch (IllegalArgumentException e) {
            throw new StoreException(file + " is damaged (" + e.getMessage() + "); it is not a valid Starling store "
                    + "marker", e);
        }
    }

    private static String required(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("no " + key);
        }
        return value.trim();
    }

    /** Replaces the marker atomically: written aside, synced, renamed over, directory synced. */
    static void writeMarker(Path directory, Marker marker) throws IOException {
        StringBuilder text = new StringBuilder()
                .append("# A Starling broker store (RocksDB). Do not edit; see `starling storage check`.\n")
                .append(KEY_FORMAT).append('=').append(marker.formatVersion()).append('\n');
        if (marker.manifest() != null) {
            text.append(KEY_MANIFEST).append('=').append(marker.manifest()).append('\n')
                    .append(KEY_MANIFEST_BYTES).append('=').append(marker.manifestBytes()).append('\n');
        }
        text.append(KEY_SEQUENCE).append('=').append(marker.sequence()).append('\n');
        Path file = directory.resolve(MARKER_FILE);
        Path aside = directory.resolve(MARKER_FILE + ".tmp");
        try (FileChannel channel = FileChannel.open(aside, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some platforms cannot sync a directory; the rename is still atomic.
        }
    }

    /** The MANIFEST that CURRENT names, or null when CURRENT is missing or does not name one. */
    static String currentManifest(Path directory) {
        try {
            String name = Files.readString(directory.resolve("CURRENT"), StandardCharsets.ISO_8859_1).trim();
            return MANIFEST_NAME.matcher(name).matches() ? name : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static long manifestNumber(String manifest) {
        Matcher matcher = MANIFEST_NAME.matcher(manifest);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(manifest);
        }
        return Long.parseLong(matcher.group(1));
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new StoreException("Cannot read " + file + ": " + e, e);
        }
    }

    /** RocksDB's status code and message; the message names the file when RocksDB knows it. */
    static String describe(Exception e) {
        if (e instanceof RocksDBException rocks && rocks.getStatus() != null) {
            String state = rocks.getStatus().getState();
            String code = rocks.getStatus().getCodeString();
            String message = rocks.getMessage() != null ? rocks.getMessage() : state;
            String text = message != null && message.startsWith(code) ? message : code + ": " + message;
            return text.strip().replaceAll("\\.+$", "");
        }
        return String.valueOf(e.getMessage() != null ? e.getMessage() : e);
    }

    static String hint(Path directory) {
        return ". Run `starling storage check " + directory + "` for a full report; restore from a backup or "
                + "move the directory aside to start empty.";
    }
}
