/**
 * The embedded on-disk {@link io.starling.broker.storage.BrokerStore}, on RocksDB: the default engine whenever a
 * data directory is set ({@code durability: sync} or {@code periodic}).
 *
 * <ul>
 *   <li>{@link io.starling.storage.rocksdb.RocksDbStore}: open a directory, {@code load()} once at start, then
 *       {@code write} batches from any thread; one writer thread commits whatever is queued as one atomic
 *       RocksDB write (group commit: one fsync for the whole group in {@code sync} mode).</li>
 *   <li>{@link io.starling.storage.rocksdb.RocksDbStoreConfig}: durability, flush interval, queue bound.</li>
 *   <li>{@link io.starling.storage.rocksdb.StorageCheck}: the offline check behind {@code starling storage
 *       check}.</li>
 * </ul>
 *
 * <p>On disk: one column family per kind of record ({@code sessions}, {@code subscriptions}, {@code deliveries},
 * {@code inbound-qos2}, {@code retained}, {@code meta}); keys laid out so that a session's records of a kind form
 * one range; values in Starling's own compact binary encoding, each starting with a record-format byte; the
 * storage format version in {@code meta} and in the {@code STARLING-STORE} marker file, which also carries the
 * watermarks that let a truncated MANIFEST or lost log files be detected instead of read as a smaller store.
 */
package io.starling.storage.rocksdb;
