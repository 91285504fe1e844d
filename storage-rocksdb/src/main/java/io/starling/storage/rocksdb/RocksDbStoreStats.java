package io.starling.storage.rocksdb;

/**
 * Counters of a {@link RocksDbStore} since it was opened, for metrics, tests and benchmarks. {@code batches}
 * counts calls of {@code write}; {@code groups} counts RocksDB writes, each carrying one or more batches;
 * {@code syncs} counts fsyncs of the write-ahead log (one per group in {@code sync} mode, one per flush interval
 * with writes in {@code periodic} mode). {@code batchesPerSync} is what group commit buys.
 *
 * @param batchesWritten    batches written and acknowledged
 * @param operationsWritten operations in those batches
 * @param groupsWritten     RocksDB writes that carried them
 * @param syncs             fsyncs of the write-ahead log
 * @param batchesFailed     batches whose write failed (their futures failed)
 * @param batchesRejected   batches refused at once because the queue was full or the store closed
 * @param reopens           times the database was reopened after a failed write
 * @param queued            batches waiting for the writer now
 */
public record RocksDbStoreStats(long batchesWritten, long operationsWritten, long groupsWritten, long syncs,
                                long batchesFailed, long batchesRejected, long reopens, int queued) {

    public double batchesPerSync() {
        return syncs == 0 ? 0 : (double) batchesWritten / syncs;
    }
}
