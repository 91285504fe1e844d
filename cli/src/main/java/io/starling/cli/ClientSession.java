package io.starling.cli;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One connection to a broker, over the HiveMQ MQTT Client's blocking API, in the version asked for. Every
 * failure the user should see is a {@link CliException} with a one-line message.
 */
sealed interface ClientSession extends AutoCloseable permits Mqtt5Session, Mqtt311Session {

    /**
     * Connects; returns once the broker accepted the CONNECT.
     *
     * @param receiving whether messages will be received: they are then collected from the moment of CONNACK, so
     *                  that those a resumed session delivers before SUBSCRIBE are not lost
     */
    static ClientSession connect(ConnectionOptions options, long sessionExpiry, boolean receiving) {
        return switch (options.protocolVersion) {
            case MQTT_5 -> Mqtt5Session.connect(options, sessionExpiry, receiving);
            case MQTT_3_1_1 -> Mqtt311Session.connect(options, receiving);
        };
    }

    /** Publishes; with QoS 1 and 2 returns only once the broker acknowledged, and fails if it refused. */
    void publish(Messages.Outgoing message);

    /**
     * Subscribes to every filter in one SUBSCRIBE.
     *
     * @return a problem description per refused filter; empty when the broker granted them all
     */
    List<String> subscribe(List<String> filters, int qos);

    /** Waits for the next message; empty when {@code timeout} passed first. A {@code null} timeout waits forever. */
    Optional<Messages.Received> receive(Duration timeout) throws InterruptedException;

    /** Sends DISCONNECT (normal disconnection, so no will is published) and closes; idempotent, never throws. */
    @Override
    void close();
}
