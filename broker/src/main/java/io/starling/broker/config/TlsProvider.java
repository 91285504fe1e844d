package io.starling.broker.config;

/** Which TLS implementation a listener uses. In the configuration file: {@code auto}, {@code jdk}, {@code openssl}. */
public enum TlsProvider {
    /** OpenSSL (BoringSSL through netty-tcnative) when its native library loads on this platform, else the JDK's. */
    AUTO,
    /** The JDK's own implementation (SunJSSE). */
    JDK,
    /** BoringSSL through netty-tcnative; the broker refuses to start when it is not available. */
    OPENSSL
}
