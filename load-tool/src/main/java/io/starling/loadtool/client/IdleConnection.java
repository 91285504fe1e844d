package io.starling.loadtool.client;

/**
 * A connection that only connects and stays: CONNECT, CONNACK, then PINGREQ at 3/4 of the keep alive until it is
 * disconnected. The connections scenario opens many of them to measure connect rate, CONNACK latency and the
 * broker's memory per connection.
 */
public final class IdleConnection extends ClientConnection {
    public IdleConnection(ClientSettings settings, String clientId, Loop loop) {
        super(settings, clientId, loop);
    }
}
