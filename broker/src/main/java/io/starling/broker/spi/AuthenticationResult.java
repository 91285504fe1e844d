package io.starling.broker.spi;

import io.starling.codec.ReasonCode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The verdict of an {@link Authenticator}. A refusal carries the MQTT 5 reason code for CONNACK (usually
 * 0x86 Bad User Name or Password, 0x87 Not authorized or 0x8A Banned); MQTT 3.x clients get the matching
 * connect return code.
 */
public sealed interface AuthenticationResult {

    /**
     * Accepted.
     *
     * @param username   the identity to use from now on (the presented one, or one the back-end maps)
     * @param expiresAt  when the credentials stop being valid (a token's expiry), or null for never: the broker then
     *                   closes the connection (MQTT 5: DISCONNECT 0x87 Not authorized)
     * @param attributes what the back-end learnt about the client (token claims, directory entries...), handed to
     *                   the {@link Authorizer} in {@link ClientInfo#attributes()}; each name has one or more
     *                   values. Never null (empty when there are none).
     */
    record Accepted(String username, Instant expiresAt, Map<String, List<String>> attributes)
            implements AuthenticationResult {
        public Accepted {
            attributes = ClientInfo.copyAttributes(attributes);
        }

        /** Accepted for good, without attributes. */
        public Accepted(String username) {
            this(username, null, Map.of());
        }
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

    /** Accepted until {@code expiresAt} (null: for good), with attributes for the authorizer. */
    static AuthenticationResult accept(String username, Instant expiresAt, Map<String, List<String>> attributes) {
        return new Accepted(username, expiresAt, attributes);
    }

    static AuthenticationResult refuse(ReasonCode reasonCode, String reason) {
        return new Refused(reasonCode, reason);
    }
}
