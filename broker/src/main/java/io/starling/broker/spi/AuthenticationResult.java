package io.starling.broker.spi;

import io.starling.codec.ReasonCode;

/**
 * The verdict of an {@link Authenticator}. A refusal carries the MQTT 5 reason code for CONNACK (usually
 * 0x86 Bad User Name or Password, 0x87 Not authorized or 0x8A Banned); MQTT 3.x clients get the matching
 * connect return code.
 */
public sealed interface AuthenticationResult {

    /** Accepted; {@code username} is the identity to use from now on (the presented one, or one the back-end maps). */
    record Accepted(String username) implements AuthenticationResult {
    }

    record Refused(ReasonCode reasonCode, String reason) implements AuthenticationResult {
        public Refused {
            if (!reasonCode.isError()) {
                throw new IllegalArgumentException("a refusal needs an error reason code: " + reasonCode);
            }
        }
    }

    static AuthenticationResult accept(String username) {
        return new Accepted(username);
    }

    static AuthenticationResult refuse(ReasonCode reasonCode, String reason) {
        return new Refused(reasonCode, reason);
    }
}
