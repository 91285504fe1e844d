package io.starling.interop;

import java.time.Duration;

/** The bounds every wait of the scenario shares; nothing in this module waits longer. */
public final class Timeouts {
    /** For one expected event: a CONNACK, a SUBACK, an acknowledgement, a message. Loopback needs milliseconds. */
    public static final Duration WAIT = Duration.ofSeconds(5);
    /** The hard limit each client script and process is started with: it ends itself after that, whatever. */
    public static final Duration PROCESS_LIFETIME = Duration.ofSeconds(40);

    private Timeouts() {
    }
}
