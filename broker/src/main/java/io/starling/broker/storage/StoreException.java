package io.starling.broker.storage;

/**
 * A store that cannot do what was asked: a write that failed (disk full, I/O error), or data that cannot be read
 * (unknown format version, corruption). The message names the file or directory and the cause.
 */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
