package io.starling.broker.config;

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) over MQTT 5 enhanced authentication (Authentication Method
 * {@code SCRAM-SHA-256}): the password never travels, and the client checks the server too.
 *
 * @param credentialsFile a file of {@code user:SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} lines
 *                        (see docs/security.md). Default empty: off.
 */
public record ScramConfig(String credentialsFile) {
    public static final ScramConfig DEFAULT = new ScramConfig("");

    public ScramConfig {
        credentialsFile = SecurityValues.text(credentialsFile);
    }

    /** Whether SCRAM is offered. */
    public boolean enabled() {
        return !credentialsFile.isEmpty();
    }
}
