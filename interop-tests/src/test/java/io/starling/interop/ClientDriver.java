package io.starling.interop;

/** Makes connections with one client library at one protocol version. */
public interface ClientDriver {

    /**
     * Connects (and subscribes, when the spec has filters); fails with an {@link AssertionError} naming the
     * client when the broker refuses or does not answer in time.
     */
    Connection connect(ConnectSpec spec);

    /**
     * Connects, subscribes when the spec has filters, and leaves at once with a normal DISCONNECT (reason code
     * 0x00 in MQTT 5). Returns the connection, already disconnected, for its CONNACK and SUBACK.
     */
    default Connection connectAndLeave(ConnectSpec spec) {
        Connection connection = connect(spec);
        try {
            connection.disconnect();
            return connection;
        } catch (RuntimeException | AssertionError e) {
            connection.close();
            throw e;
        }
    }
}
