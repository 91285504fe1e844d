package io.starling.broker;

/** The broker could not start: a listener could not bind, or the configuration cannot be used. */
public final class BrokerStartException extends RuntimeException {
    public BrokerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
