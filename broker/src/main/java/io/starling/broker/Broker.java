package io.starling.broker;

import io.starling.broker.config.BrokerConfig;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * A running broker: the embedding API. {@code Broker.start(config)} binds every listener and returns once they
 * accept connections; {@link #close()} stops accepting, tells MQTT 5 clients the server is shutting down
 * (DISCONNECT 0x8B), closes every connection and releases all threads.
 *
 * <pre>{@code
 * try (Broker broker = Broker.start(BrokerConfig.DEFAULT.withListener("127.0.0.1", 0))) {
 *     int port = broker.port();
 *     // connect clients to 127.0.0.1:port
 * }
 * }</pre>
 */
public final class Broker implements AutoCloseable {

    private Broker() {
    }

    /** Starts a broker; throws {@link BrokerStartException} when a listener cannot bind. */
    public static Broker start(BrokerConfig config) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** The bound addresses, one per listener, in configuration order (actual ports when 0 was asked). */
    public List<InetSocketAddress> localAddresses() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** The actual port of the first listener. */
    public int port() {
        return localAddresses().get(0).getPort();
    }

    public BrokerConfig config() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Stops the broker; idempotent, returns when every connection is closed and every thread has stopped. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
