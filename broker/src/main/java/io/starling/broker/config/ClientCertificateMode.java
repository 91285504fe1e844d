package io.starling.broker.config;

/**
 * Whether a TLS listener asks clients for a certificate. In the configuration file: {@code none},
 * {@code optional}, {@code required}.
 */
public enum ClientCertificateMode {
    /** No certificate is asked for. */
    NONE,
    /** A certificate is asked for; a client without one is let in, one with a certificate that fails verification is not. */
    OPTIONAL,
    /** A certificate signed by the configured CA is needed to complete the handshake. */
    REQUIRED
}
