package io.starling.loadtool.client;

/** A run cannot go on: the broker refused or dropped a client, or did not answer in time. The message says which. */
public final class BenchException extends RuntimeException {
    public BenchException(String message) {
        super(message);
    }

    public BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
