package io.starling.broker.config;

import java.util.Objects;

/**
 * One network listener. MQTT 3.1, 3.1.1 and 5.0 clients share it: the version is negotiated per connection.
 *
 * @param name a label for logs and metrics. Default {@code default}.
 * @param bind the address to listen on. Default {@code 127.0.0.1}: secure by default, reachable only from this
 *             machine until the operator opens it up (for example {@code 0.0.0.0}).
 * @param port the TCP port; 0 picks a free ephemeral port (tests). Default 1883.
 */
public record ListenerConfig(String name, String bind, int port) {
    public static final ListenerConfig DEFAULT = new ListenerConfig("default", "127.0.0.1", 1883);

    public ListenerConfig {
        name = Objects.requireNonNullElse(name, DEFAULT_NAME);
        bind = Objects.requireNonNullElse(bind, "127.0.0.1");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listener port must be 0..65535: " + port);
        }
    }

    private static final String DEFAULT_NAME = "default";
}
