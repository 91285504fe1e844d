/**
 * What the broker must remember across a restart, as a narrow interface with several engines behind it: an
 * in-memory one for {@code durability: none} and an on-disk one (module storage-rocksdb). The core describes every
 * change of durable state as a {@link io.starling.broker.storage.StoreOperation}; a {@link
 * io.starling.broker.storage.BrokerStore} applies batches of them atomically and says when they are durable, and
 * gives everything back at start ({@link io.starling.broker.storage.StoreContents}).
 *
 * <p>Status: the interface and its engines exist and are tested on their own; the broker core does not yet write
 * through them (sessions, queues and retained messages are still kept in memory only).
 */
package io.starling.broker.storage;
