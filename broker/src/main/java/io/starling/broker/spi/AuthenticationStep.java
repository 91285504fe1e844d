package io.starling.broker.spi;

import io.starling.codec.ReasonCode;

/** What an {@link EnhancedAuthenticator} says after each message of the client. */
public sealed interface AuthenticationStep {

    /** Send this challenge to the client (AUTH 0x18 Continue authentication) and wait for its answer. */
    record Continue(byte[] data) implements AuthenticationStep {
    }

    /**
     * Authenticated: CONNACK 0x00 (or AUTH 0x00 after re-authentication) carries {@code data} (may be null);
     * {@code username} is the identity to use.
     */
    record Success(byte[] data, String username) implements AuthenticationStep {
    }

    /** Refused with this reason code (usually 0x87 Not authorized or 0x86 Bad user name or password). */
    record Failure(ReasonCode reasonCode, String reason) implements AuthenticationStep {
        public Failure {
            if (!reasonCode.isError()) {
                throw new IllegalArgumentException("a failure needs an error reason code: " + reasonCode);
            }
        }
    }
}
