package io.starling.storage.rocksdb;

import io.starling.broker.storage.BrokerStore;
import io.starling.broker.storage.Durability;
import io.starling.broker.storage.StoreContents;
import io.starling.broker.storage.StoreException;
import io.starling.broker.storage.StoreOperation;
import io.starling.broker.storage.StoredDelivery;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The on-disk {@link BrokerStore}: RocksDB, one column family per kind of record (see {@link ColumnFamily} and
 * {@link Keys}), values in Starling's own versioned encoding ({@link RecordCodec}).
 *
 * <h2>Writes: one writer thread, group commit</h2>
 * {@link #write} encodes the operations on the caller's thread, puts the batch on a bounded queue and returns.
 * One writer thread takes everything queued (up to {@code maxGroupSize} batches), writes it as one RocksDB
 * {@code WriteBatch} - atomically, with one fsync in {@code SYNC} mode however many batches it carries - and
 * completes the futures in queue order. In {@code PERIODIC} mode the write is not fsynced; the writer syncs the
 * log every flush interval. All RocksDB calls after opening happen on this thread, so reopening after a failure
 * never races with a reader.
 *
 * <h2>Failures</h2>
 * When RocksDB refuses a write (disk full, I/O error) every batch of that group fails with a
 * {@link StoreException} naming the directory and RocksDB's reason; none is acknowledged. A failed write may or
 * may not have reached the disk (a write that failed at its fsync is replayed at the next open): the guarantee is
 * that nothing reported as written is missing, not that nothing reported as failed is present. RocksDB refuses
 * all further writes after such an error, so the store closes the database and opens it again before the next
 * group; while that fails (the disk is still full) each group fails with the reason, and as soon as it succeeds
 * writes go through again, without a restart.
 *
 * <h2>Queue full</h2>
 * The contract says {@code write} never blocks, so a batch that finds the queue full fails at once with a
 * {@link StoreException} ("queue full") rather than waiting: the broker then answers the publisher with an
 * error instead of an acknowledgement. {@link #stats()} shows the queue length for a broker that wants to slow
 * its publishers down before that happens.
 *
 * <h2>Threads of the futures</h2>
 * Futures complete on the writer thread: keep callbacks short or use the {@code *Async} variants. A callback must
 * never wait for another write of this store (the writer would wait for itself); {@link #load()} and
 * {@link #close()} refuse to run in one.
 */
public final class RocksDbStore implements BrokerStore {

    private static final Logger LOG = LoggerFactory.getLogger(RocksDbStore.class);

    /** Directories open in this process: a second open, or an offline check of an open store, is refused. */
    private static final Set<Path> OPEN_DIRECTORIES = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final RocksDbStoreConfig config;
    private final BlockingQueue<Item> queue;
    private final Thread writer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean writerStopped;

    private final AtomicLong batchesWritten = new AtomicLong();
    private final AtomicLong operationsWritten = new AtomicLong();
    private final AtomicLong groupsWritten = new AtomicLong();
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong batchesFailed = new AtomicLong();
    private final AtomicLong batchesRejected = new AtomicLong();
    private final AtomicLong reopens = new AtomicLong();

    // Owned by the writer thread once it runs.
    private volatile Engine engine;
    /**
     * Page reads run on a thread of their own, so that bringing a long queue back does not wait behind group
     * commits; they hold the read lock while they use the engine, and the writer takes the write lock to close or
     * replace it.
     */
    private final ReentrantReadWriteLock engineLock = new ReentrantReadWriteLock();
    private final ExecutorService reader = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "starling-store-reader");
        thread.setDaemon(true);
        return thread;
    });
    private StoreException unavailable;
    private final WriteOptions writeOptions;
    private boolean unsyncedWrites;
    private long nextSyncNanos;

    private RocksDbStore(Path directory, RocksDbStoreConfig config, Engine engine) {
        this.directory = directory;
        this.config = config;
        this.engine = engine;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.writeOptions = new WriteOptions().setSync(config.durability() == Durability.SYNC);
        this.writer = new Thread(this::runWriter, "starling-store-writer");
        // A daemon: an unacknowledged write may be lost anyway, and a forgotten close must not keep the JVM alive.
        this.writer.setDaemon(true);
    }

    /**
     * Opens the store in {@code dataDirectory}, creating it when the directory is missing or empty. Refuses, with
     * a {@link StoreException} that names the directory or file: a directory that is not a Starling store, a
     * store of a newer or unknown format, a store RocksDB finds damaged, and a directory already open in this
     * process.
     */
    public static RocksDbStore open(Path dataDirectory, RocksDbStoreConfig config) {
        Path directory = dataDirectory.toAbsolutePath().normalize();
        if (!OPEN_DIRECTORIES.add(directory)) {
            throw new StoreException("The data directory " + directory + " is already open in this process");
        }
        try {
            Engine engine = DataDirectory.open(directory, false);
            RocksDbStore store;
            try {
                store = new RocksDbStore(directory, config, engine);
                store.writer.start();
            } catch (RuntimeException | Error e) {
                engine.close();
                throw e;
            }
            LOG.info("Opened the store in {} (format {}, durability {})", directory, DataDirectory.FORMAT_VERSION,
                    config.durability());
            return store;
        } catch (RuntimeException e) {
            OPEN_DIRECTORIES.remove(directory);
            throw e;
        }
    }

    static boolean isOpenInThisProcess(Path directory) {
        return OPEN_DIRECTORIES.contains(directory.toAbsolutePath().normalize());
    }

    /**
     * Reads everything back. Every value is decoded and every block's checksum verified on the way; a damaged
     * record throws a {@link StoreException} naming the directory, the column family and the key or file.
     */
    @Override
    public StoreContents load(int deliveriesPerSession) {
        refuseOnWriterThread("load");
        LoadRequest request = new LoadRequest(deliveriesPerSession);
        enqueueWaiting(request);
        try {
            return request.result.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof StoreException store ? store : new StoreException(e.getMessage(), e);
        }
    }

    @Override
    public CompletionStage<Void> write(List<StoreOperation> operations) {
        if (closed.get()) {
            batchesRejected.incrementAndGet();
            return CompletableFuture.failedFuture(closedException());
        }
        List<Mutation> mutations;
        try {
            mutations = Mutation.encode(operations);
        } catch (RuntimeException invalid) {
            batchesRejected.incrementAndGet();
            return CompletableFuture.failedFuture(new StoreException("Cannot store the batch: " + invalid.getMessage(),
                    invalid));
        }
        PendingWrite pending = new PendingWrite(mutations, operations.size());
        if (!queue.offer(pending)) {
            batchesRejected.incrementAndGet();
            return CompletableFuture.failedFuture(new StoreException("The store's write queue is full ("
                    + config.queueCapacity() + " batches waiting): the disk of " + directory + " does not keep up"));
        }
        if (writerStopped && queue.remove(pending)) {
            // Raced with close(): the writer is gone and will never see this batch.
            batchesRejected.incrementAndGet();
            pending.future.completeExceptionally(closedException());
        }
        // A minimal stage: callers cannot complete the store's own future and fake an acknowledgement.
        return pending.future.minimalCompletionStage();
    }

    /**
     * Reads on the store's reader thread, concurrently with writes: the page holds every write that completed
     * before the call (RocksDB reads see all completed writes), which is all the broker reads back - it leaves a
     * delivery to the disk only once its write is done.
     */
    @Override
    public CompletionStage<List<StoredDelivery>> readDeliveries(String clientId, long afterSequence, int limit) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedException());
        }
        try {
            return CompletableFuture.supplyAsync(() -> readPage(clientId, afterSequence, limit), reader)
                    .minimalCompletionStage();
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            return CompletableFuture.failedFuture(closedException());
        }
    }

    private List<StoredDelivery> readPage(String clientId, long afterSequence, int limit) {
        engineLock.readLock().lock();
        try {
            Engine current = engine;
            if (current == null) {
                throw closed.get() ? closedException() : new StoreException("The store in " + directory
                        + " is unavailable since a failed write; the page is read again later");
            }
            return StoreReader.readDeliveries(current, clientId, afterSequence, limit);
        } finally {
            engineLock.readLock().unlock();
        }
    }

    @Override
    public Durability durability() {
        return config.durability();
    }

    public Path directory() {
        return directory;
    }

    public RocksDbStoreConfig config() {
        return config;
    }

    public RocksDbStoreStats stats() {
        return new RocksDbStoreStats(batchesWritten.get(), operationsWritten.get(), groupsWritten.get(), syncs.get(),
                batchesFailed.get(), batchesRejected.get(), reopens.get(), queue.size());
    }

    /**
     * Writes everything queued before this call, flushes the memtables to SST files, records the watermarks and
     * releases every native handle. Writes that arrive during or after close fail with a {@link StoreException}.
     */
    @Override
    public void close() {
        refuseOnWriterThread("close");
        if (closed.compareAndSet(false, true)) {
            enqueueWaiting(CloseRequest.INSTANCE);
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        reader.shutdown();
        OPEN_DIRECTORIES.remove(directory);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Both wait for the writer thread, which would then wait for itself forever. */
    private void refuseOnWriterThread(String what) {
        if (Thread.currentThread() == writer) {
            throw new IllegalStateException(what + " called from a write callback on the store's writer thread");
        }
    }

    private StoreException closedException() {
        return new StoreException("The store in " + directory + " is closed");
    }

    /** For load and close only: these may wait for room in the queue. */
    private void enqueueWaiting(Item item) {
        if (writerStopped) {
            item.fail(closedException());
            return;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                        break;
                    }
                    if (writerStopped) {
                        item.fail(closedException());
                        return;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (writerStopped && queue.remove(item)) {
            item.fail(closedException());
        }
    }

    // ---- The writer thread.

    private void runWriter() {
        List<Item> drained = new ArrayList<>();
        try {
            while (true) {
                syncIfDue();
                Item first = next();
                if (first == null) {
                    continue;
                }
                drained.clear();
                drained.add(first);
                queue.drainTo(drained, config.maxGroupSize() - 1);
                if (process(drained)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            LOG.error("The store writer for {} was interrupted; failing what is queued", directory);
        } catch (RuntimeException | Error e) {
            LOG.error("The store writer for {} stopped on an unexpected error", directory, e);
        } finally {
            writerStopped = true;
            StoreException closedNow = closedException();
            // After an unexpected error some taken items may be unanswered; failing a completed future does nothing.
            drained.forEach(item -> item.fail(closedNow));
            for (Item left; (left = queue.poll()) != null; ) {
                if (left instanceof PendingWrite) {
                    batchesRejected.incrementAndGet();
                }
                left.fail(closedNow);
            }
            shutDownEngine();
            writeOptions.close();
        }
    }

    /** The next item, or null when a periodic sync is due before one arrives. */
    private Item next() throws InterruptedException {
        if (config.durability() != Durability.PERIODIC || !unsyncedWrites) {
            return queue.take();
        }
        long wait = nextSyncNanos - System.nanoTime();
        return wait <= 0 ? null : queue.poll(wait, TimeUnit.NANOSECONDS);
    }

    /** Handles a run of items in queue order; returns true on the close request. */
    private boolean process(List<Item> items) {
        List<PendingWrite> group = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            if (item instanceof PendingWrite write) {
                group.add(write);
                continue;
            }
            commit(group);
            group.clear();
            if (item instanceof LoadRequest load) {
                runLoad(load);
            } else if (item instanceof CloseRequest) {
                StoreException closedNow = closedException();
                for (Item late : items.subList(i + 1, items.size())) {
                    if (late instanceof PendingWrite) {
                        batchesRejected.incrementAndGet();
                    }
                    late.fail(closedNow);
                }
                return true;
            }
        }
        commit(group);
        return false;
    }

    private void commit(List<PendingWrite> group) {
        if (group.isEmpty()) {
            return;
        }
        if (!ensureEngine()) {
            failAll(group, unavailable);
            return;
        }
        int operations = 0;
        try (WriteBatch batch = new WriteBatch()) {
            for (PendingWrite pending : group) {
                for (Mutation mutation : pending.mutations) {
                    apply(batch, mutation);
                }
                operations += pending.operations;
            }
            engine.db().write(writeOptions, batch);
        } catch (RocksDBException | RuntimeException e) {
            StoreException failure = new StoreException("Writing to the data directory " + directory + " failed: "
                    + DataDirectory.describe(e) + ". Nothing of this write was acknowledged.", e);
            LOG.error("{} ({} batches failed)", failure.getMessage(), group.size());
            failAll(group, failure);
            discardEngine(failure);
            return;
        }
        groupsWritten.incrementAndGet();
        batchesWritten.addAndGet(group.size());
        operationsWritten.addAndGet(operations);
        if (config.durability() == Durability.SYNC) {
            syncs.incrementAndGet();
        } else if (!unsyncedWrites) {
            unsyncedWrites = true;
            nextSyncNanos = System.nanoTime() + config.flushInterval().toNanos();
        }
        for (PendingWrite pending : group) {
            pending.future.complete(null);
        }
    }

    private void apply(WriteBatch batch, Mutation mutation) throws RocksDBException {
        ColumnFamilyHandle handle = engine.handle(mutation.family());
        switch (mutation.type()) {
            case PUT -> batch.put(handle, mutation.key(), mutation.valueOrEnd());
            case DELETE -> batch.delete(handle, mutation.key());
            case DELETE_RANGE -> batch.deleteRange(handle, mutation.key(), mutation.valueOrEnd());
        }
    }

    private void failAll(List<PendingWrite> group, StoreException failure) {
        batchesFailed.addAndGet(group.size());
        for (PendingWrite pending : group) {
            pending.future.completeExceptionally(failure);
        }
    }

    /** PERIODIC: fsyncs the log once the interval since the first unsynced write has passed. */
    private void syncIfDue() {
        if (!unsyncedWrites || System.nanoTime() - nextSyncNanos < 0) {
            return;
        }
        unsyncedWrites = false;
        if (engine == null) {
            return;
        }
        try {
            engine.db().flushWal(true);
            syncs.incrementAndGet();
        } catch (RocksDBException e) {
            StoreException failure = new StoreException("Syncing the write-ahead log in " + directory + " failed: "
                    + DataDirectory.describe(e) + "; writes of the last " + config.flushInterval().toMillis()
                    + " ms may be lost if the machine stops", e);
            LOG.error(failure.getMessage());
            discardEngine(failure);
        }
    }

    private void runLoad(LoadRequest request) {
        if (!ensureEngine()) {
            request.fail(unavailable);
            return;
        }
        try {
            StoreReader.Result result = StoreReader.read(engine, true, request.deliveriesPerSession);
            if (!result.orphans().isEmpty()) {
                LOG.warn("The store in {} holds records of no session, left out: {}", directory, result.orphans());
            }
            request.result.complete(result.contents());
        } catch (RuntimeException e) {
            request.fail(e instanceof StoreException store ? store
                    : new StoreException("Reading " + directory + " failed: " + e, e));
        }
    }

    /** After a failed write RocksDB accepts no more writes: close it, to reopen before the next group. */
    private void discardEngine(StoreException cause) {
        if (engine != null) {
            Engine failed = engine;
            engineLock.writeLock().lock();
            try {
                engine = null;
            } finally {
                engineLock.writeLock().unlock();
            }
            failed.closeReportingErrors();
        }
        unavailable = cause;
    }

    private boolean ensureEngine() {
        if (engine != null) {
            return true;
        }
        try {
            engine = DataDirectory.open(directory, false);
            reopens.incrementAndGet();
            unavailable = null;
            LOG.warn("Reopened the store in {} after a failed write; writing again", directory);
            return true;
        } catch (StoreException e) {
            unavailable = new StoreException("The store in " + directory + " is unavailable since a failed write ("
                    + (unavailable != null ? unavailable.getMessage() : "unknown") + "); reopening it failed: "
                    + e.getMessage(), e);
            return false;
        }
    }

    private void shutDownEngine() {
        if (engine == null) {
            return;
        }
        try {
            engine.flushMemtables();
            // Everything is in synced SST files now: the watermarks can move up to here.
            DataDirectory.writeWatermarkQuietly(engine);
        } catch (RocksDBException e) {
            LOG.warn("Flushing the store in {} at close failed ({}); its write-ahead log still holds every write",
                    directory, DataDirectory.describe(e));
        }
        Engine closing = engine;
        engineLock.writeLock().lock(); // waits for a page read that is using it
        try {
            engine = null;
        } finally {
            engineLock.writeLock().unlock();
        }
        closing.closeReportingErrors();
        LOG.info("Closed the store in {}", directory);
    }

    // ---- Queue items.

    private sealed interface Item permits PendingWrite, LoadRequest, CloseRequest {
        void fail(StoreException cause);
    }

    /** Identity matters: {@code queue.remove} must find this very batch. */
    private static final class PendingWrite implements Item {
        final List<Mutation> mutations;
        final int operations;
        final CompletableFuture<Void> future = new CompletableFuture<>();

        PendingWrite(List<Mutation> mutations, int operations) {
            this.mutations = mutations;
            this.operations = operations;
        }

        @Override
        public void fail(StoreException cause) {
            future.completeExceptionally(cause);
        }
    }

    private static final class LoadRequest implements Item {
        final CompletableFuture<StoreContents> result = new CompletableFuture<>();
        final int deliveriesPerSession;

        LoadRequest(int deliveriesPerSession) {
            this.deliveriesPerSession = deliveriesPerSession;
        }

        @Override
        public void fail(StoreException cause) {
            result.completeExceptionally(cause);
        }
    }

    private static final class CloseRequest implements Item {
        static final CloseRequest INSTANCE = new CloseRequest();

        @Override
        public void fail(StoreException cause) {
        }
    }
}
