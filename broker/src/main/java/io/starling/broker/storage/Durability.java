package io.starling.broker.storage;

/** How soon a write is on disk before the broker acknowledges what it stored. */
public enum Durability {
    /** A write completes only after it is fsynced; concurrent writes share one fsync (group commit). */
    SYNC,
    /** Writes complete once in the engine's log; the log is fsynced every flush interval (bounded loss window). */
    PERIODIC,
    /** Nothing on disk: the in-memory store. */
    NONE
}
