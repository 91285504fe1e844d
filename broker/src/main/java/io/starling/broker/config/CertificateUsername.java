package io.starling.broker.config;

/**
 * Which part of a verified client certificate becomes the MQTT user name. In the configuration file: {@code none},
 * {@code cn}, {@code san-dns}, {@code san-email}, {@code san-uri}, {@code san-ip}.
 */
public enum CertificateUsername {
    /** The user name comes from CONNECT, as on any listener. */
    NONE,
    /** The subject's Common Name (with several, the one RFC 2253 prints first: the most specific by convention). */
    CN,
    /** The first DNS name among the subject alternative names. */
    SAN_DNS,
    /** The first e-mail address (rfc822Name) among the subject alternative names. */
    SAN_EMAIL,
    /** The first URI among the subject alternative names (SPIFFE IDs, for example). */
    SAN_URI,
    /** The first IP address among the subject alternative names. */
    SAN_IP
}
