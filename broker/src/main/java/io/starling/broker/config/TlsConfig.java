package io.starling.broker.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * TLS settings of a listener of type {@code mqtts} or {@code wss}; ignored, and must stay empty, on the others.
 *
 * @param certFile        the server's certificate chain, PEM, the server's own certificate first. Needed for TLS
 *                        listeners. Default empty.
 * @param keyFile         the server's private key, unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}; convert an
 *                        older {@code BEGIN RSA PRIVATE KEY} or {@code BEGIN EC PRIVATE KEY} file with
 *                        {@code openssl pkcs8 -topk8 -nocrypt}). Needed for TLS listeners. Default empty.
 * @param caFile          the CA certificates, PEM, that client certificates must chain to. Needed when
 *                        {@code clientCertificate} is not {@code none}. Default empty.
 * @param clientCertificate whether clients are asked for a certificate: {@code none}, {@code optional} or
 *                        {@code required}. Default none.
 * @param provider        {@code auto} (OpenSSL when available, else the JDK), {@code jdk} or {@code openssl}.
 *                        Default auto.
 * @param protocols       the TLS versions offered. Default TLSv1.3 and TLSv1.2.
 * @param cipherSuites    the cipher suites offered, in the provider's names (IANA names, for example
 *                        {@code TLS_AES_128_GCM_SHA256}, {@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}). Empty:
 *                        the provider's defaults. Default empty.
 * @param usernameFromCertificate which part of a verified client certificate becomes the MQTT user name
 *                        ({@code cn}, {@code san-dns}, {@code san-email}, {@code san-uri}, {@code san-ip}), given to
 *                        the authenticator in place of the CONNECT user name; {@code none} keeps the CONNECT user
 *                        name. Needs {@code clientCertificate} optional or required. Default none.
 * @param reloadCheckInterval how often the certificate, key and CA files are checked for changes (modification
 *                        time and size); changed files are read again and used for new connections without a
 *                        restart. 0s: never. Default 10 s.
 */
public record TlsConfig(String certFile, String keyFile, String caFile, ClientCertificateMode clientCertificate,
                        TlsProvider provider, List<String> protocols, List<String> cipherSuites,
                        CertificateUsername usernameFromCertificate, Duration reloadCheckInterval) {

    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** Declared before DEFAULT, which the constructor checks against it. */
    private static final List<String> KNOWN_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");

    public static final TlsConfig DEFAULT = new TlsConfig("", "", "", ClientCertificateMode.NONE, TlsProvider.AUTO,
            DEFAULT_PROTOCOLS, List.of(), CertificateUsername.NONE, Duration.ofSeconds(10));

    public TlsConfig {
        certFile = Objects.requireNonNullElse(certFile, "").strip();
        keyFile = Objects.requireNonNullElse(keyFile, "").strip();
        caFile = Objects.requireNonNullElse(caFile, "").strip();
        clientCertificate = Objects.requireNonNullElse(clientCertificate, ClientCertificateMode.NONE);
        provider = Objects.requireNonNullElse(provider, TlsProvider.AUTO);
        protocols = List.copyOf(Objects.requireNonNullElse(protocols, DEFAULT_PROTOCOLS));
        cipherSuites = List.copyOf(Objects.requireNonNullElse(cipherSuites, List.of()));
        usernameFromCertificate = Objects.requireNonNullElse(usernameFromCertificate, CertificateUsername.NONE);
        reloadCheckInterval = Objects.requireNonNullElse(reloadCheckInterval, Duration.ofSeconds(10));
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("protocols needs at least one TLS version");
        }
        for (String protocol : protocols) {
            if (!KNOWN_PROTOCOLS.contains(protocol)) {
                throw new IllegalArgumentException("protocols: unknown TLS version '" + protocol + "'; known: "
                        + String.join(", ", KNOWN_PROTOCOLS));
            }
        }
        if (reloadCheckInterval.isNegative()) {
            throw new IllegalArgumentException("reload-check-interval must not be negative: " + reloadCheckInterval);
        }
        if (clientCertificate != ClientCertificateMode.NONE && caFile.isEmpty()) {
            throw new IllegalArgumentException("ca-file is needed to verify client certificates (client-certificate: "
                    + clientCertificate.name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        if (usernameFromCertificate != CertificateUsername.NONE && clientCertificate == ClientCertificateMode.NONE) {
            throw new IllegalArgumentException("username-from-certificate needs client-certificate optional or required");
        }
    }

    /** Server-side TLS with the given PEM files and every other setting at its default. */
    public static TlsConfig of(String certFile, String keyFile) {
        return DEFAULT.withFiles(certFile, keyFile);
    }

    /** Whether the server certificate and key are set. */
    public boolean hasServerCertificate() {
        return !certFile.isEmpty() && !keyFile.isEmpty();
    }

    public TlsConfig withFiles(String newCertFile, String newKeyFile) {
        return new TlsConfig(newCertFile, newKeyFile, caFile, clientCertificate, provider, protocols, cipherSuites,
                usernameFromCertificate, reloadCheckInterval);
    }

    public TlsConfig withClientCertificate(ClientCertificateMode mode, String newCaFile) {
        return new TlsConfig(certFile, keyFile, newCaFile, mode, provider, protocols, cipherSuites,
                usernameFromCertificate, reloadCheckInterval);
    }

    public TlsConfig withProvider(TlsProvider newProvider) {
        return new TlsConfig(certFile, keyFile, caFile, clientCertificate, newProvider, protocols, cipherSuites,
                usernameFromCertificate, reloadCheckInterval);
    }

    public TlsConfig withProtocols(List<String> newProtocols) {
        return new TlsConfig(certFile, keyFile, caFile, clientCertificate, provider, newProtocols, cipherSuites,
                usernameFromCertificate, reloadCheckInterval);
    }

    public TlsConfig withCipherSuites(List<String> newCipherSuites) {
        return new TlsConfig(certFile, keyFile, caFile, clientCertificate, provider, protocols, newCipherSuites,
                usernameFromCertificate, reloadCheckInterval);
    }

    public TlsConfig withUsernameFromCertificate(CertificateUsername source) {
        return new TlsConfig(certFile, keyFile, caFile, clientCertificate, provider, protocols, cipherSuites, source,
                reloadCheckInterval);
    }

    public TlsConfig withReloadCheckInterval(Duration interval) {
        return new TlsConfig(certFile, keyFile, caFile, clientCertificate, provider, protocols, cipherSuites,
                usernameFromCertificate, interval);
    }
}
