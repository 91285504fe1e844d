package io.starling.storage.rocksdb;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WALRecoveryMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One open RocksDB database with the store's column families, and every native object that belongs to it. Not
 * thread-safe to close: whoever owns it closes it once no one else uses it.
 */
final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    /** Memtable size per column family; seven of them stay well under a broker's heap-external budget. */
    private static final long WRITE_BUFFER_BYTES = 32L << 20;
    /**
     * Several column families share one write-ahead log, which can only be deleted once every family with data in
     * it is flushed; this bound forces flushes of rarely written families and bounds recovery time at start.
     */
    private static final long MAX_TOTAL_WAL_BYTES = 128L << 20;

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final DBOptions options;
    private final ColumnFamilyOptions familyOptions;
    private final List<ColumnFamilyHandle> handles;
    private final RocksDB db;

    private Engine(Path directory, DBOptions options, ColumnFamilyOptions familyOptions,
                   List<ColumnFamilyHandle> handles, RocksDB db) {
        this.directory = directory;
        this.options = options;
        this.familyOptions = familyOptions;
        this.handles = handles;
        this.db = db;
    }

    /**
     * Opens (or with {@code create}, creates) the database. Paranoid checks are on: RocksDB then compares every
     * SST file's size with the MANIFEST at open, so a truncated or missing file fails the open instead of being
     * skipped. The write-ahead log is replayed in {@link WALRecoveryMode#TolerateCorruptedTailRecords} mode: an
     * incomplete last record (a crash while writing it, never acknowledged in {@code sync} mode) is dropped, but
     * damage anywhere else fails the open rather than silently stopping the replay there, which the default
     * point-in-time mode would do.
     */
    static Engine open(Path directory, boolean create, boolean readOnly) throws RocksDBException {
        DBOptions options = new DBOptions()
                .setCreateIfMissing(create)
                .setCreateMissingColumnFamilies(create)
                .setParanoidChecks(true)
                .setSkipCheckingSstFileSizesOnDbOpen(false)
                .setWalRecoveryMode(WALRecoveryMode.TolerateCorruptedTailRecords)
                .setMaxTotalWalSize(MAX_TOTAL_WAL_BYTES)
                .setMaxBackgroundJobs(2)
                .setKeepLogFileNum(4)
                .setMaxLogFileSize(16L << 20)
                .setInfoLogLevel(InfoLogLevel.INFO_LEVEL);
        ColumnFamilyOptions familyOptions = new ColumnFamilyOptions().setWriteBufferSize(WRITE_BUFFER_BYTES);
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions));
        for (ColumnFamily family : ColumnFamily.values()) {
            descriptors.add(new ColumnFamilyDescriptor(family.nameBytes(), familyOptions));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db = readOnly
                    ? RocksDB.openReadOnly(options, directory.toString(), descriptors, handles)
                    : RocksDB.open(options, directory.toString(), descriptors, handles);
            return new Engine(directory, options, familyOptions, handles, db);
        } catch (RocksDBException | RuntimeException e) {
            handles.forEach(ColumnFamilyHandle::close);
            familyOptions.close();
            options.close();
            throw e;
        }
    }

    /** The column families of an existing database, read from its MANIFEST without opening it. */
    static List<String> columnFamilies(Path directory) throws RocksDBException {
        try (Options options = new Options()) {
            List<String> names = new ArrayList<>();
            for (byte[] name : RocksDB.listColumnFamilies(options, directory.toString())) {
                names.add(new String(name, StandardCharsets.UTF_8));
            }
            return names;
        }
    }

    RocksDB db() {
        return db;
    }

    Path directory() {
        return directory;
    }

    ColumnFamilyHandle handle(ColumnFamily family) {
        return handles.get(family.ordinal() + 1);
    }

    /** Writes every memtable to SST files, so that the write-ahead log is no longer needed to recover. */
    void flushMemtables() throws RocksDBException {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, handles);
        }
    }

    /**
     * Releases every native handle. Returns false when RocksDB reported an error while closing (for instance
     * after a failed write); the handles are released all the same.
     */
    boolean closeReportingErrors() {
        boolean clean = true;
        handles.forEach(ColumnFamilyHandle::close);
        try {
            db.closeE();
        } catch (RocksDBException e) {
            clean = false;
            LOG.warn("Closing the store in {} reported: {}", directory, e.getMessage());
        }
        familyOptions.close();
        options.close();
        return clean;
    }

    @Override
    public void close() {
        closeReportingErrors();
    }
}
