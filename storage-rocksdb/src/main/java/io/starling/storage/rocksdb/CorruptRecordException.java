package io.starling.storage.rocksdb;

/** A key or value that cannot be decoded: the caller adds which column family and key it came from. */
final class CorruptRecordException extends Exception {
    CorruptRecordException(String message) {
        super(message);
    }
}
