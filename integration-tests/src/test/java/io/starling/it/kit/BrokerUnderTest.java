package io.starling.it.kit;

import java.nio.file.Path;

/**
 * The broker a test talks to over 127.0.0.1. Which one is chosen by the system property {@code it.broker}:
 * {@code starling} (default, the embedded {@link io.starling.broker.Broker}) or {@code mosquitto} (a real
 * /usr/sbin/mosquitto process, used to validate that the tests themselves are right).
 */
public sealed interface BrokerUnderTest extends AutoCloseable permits StarlingBroker, MosquittoBroker {

    enum Kind { STARLING, MOSQUITTO }

    static Kind selected() {
        String value = System.getProperty("it.broker", "starling").trim();
        if (value.isEmpty() || value.equalsIgnoreCase("starling")) {
            return Kind.STARLING;
        }
        if (value.equalsIgnoreCase("mosquitto")) {
            return Kind.MOSQUITTO;
        }
        throw new IllegalArgumentException("it.broker must be starling or mosquitto, not " + value);
    }

    /**
     * Starts the selected broker with the settings; {@code logDirectory} receives its log where it has one.
     */
    static BrokerUnderTest start(BrokerSettings settings, Path logDirectory, String label) {
        return switch (selected()) {
            case STARLING -> StarlingBroker.start(settings);
            case MOSQUITTO -> MosquittoBroker.start(settings, logDirectory, label);
        };
    }

    Kind kind();

    default boolean isStarling() {
        return kind() == Kind.STARLING;
    }

    default boolean isMosquitto() {
        return kind() == Kind.MOSQUITTO;
    }

    default String host() {
        return "127.0.0.1";
    }

    int port();

    /** The URI Paho expects. */
    default String uri() {
        return "tcp://" + host() + ":" + port();
    }

    /** Stops the broker: for Starling {@code Broker.close()}, for Mosquitto SIGTERM (then SIGKILL). */
    @Override
    void close();
}
