package io.starling.broker.listener;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutorGroup;
import io.starling.broker.config.ClientCertificateMode;
import io.starling.broker.config.TlsConfig;
import io.starling.broker.config.TlsProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server {@link SslContext} of one TLS listener, read from its PEM files, and read again when they change:
 * a scheduled check compares each file's modification time and size with those of the files in use, and on a
 * change builds a new context that new connections get (connections already open keep theirs). A new set of files
 * that cannot be used (unreadable, not PEM, a key that does not match the certificate) is logged as an error and
 * the previous context stays in use, so a half-finished rotation never takes the listener down; the next change
 * is tried again.
 *
 * <p>Thread-safety: {@link #current()} is read by every event loop; {@link #reloadIfChanged()} runs on one
 * thread at a time (the scheduled check) and publishes the new context through a volatile field.
 */
public final class ServerTlsContext {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTlsContext.class);
    private static final Pattern PRIVATE_KEY_PEM =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final Pattern OTHER_KEY_PEM = Pattern.compile("-----BEGIN ([A-Z ]*)PRIVATE KEY-----");

    private final String listenerName;
    private final TlsConfig config;
    private final SslProvider provider;
    private volatile SslContext current;
    private List<FileStamp> stamps;
    /** Whether the files could not even be checked at the last attempt (reported once until they are back). */
    private boolean unreadable;

    private ServerTlsContext(String listenerName, TlsConfig config, SslProvider provider, SslContext first,
                             List<FileStamp> stamps) {
        this.listenerName = listenerName;
        this.config = config;
        this.provider = provider;
        this.current = first;
        this.stamps = stamps;
    }

    /**
     * Reads the listener's files and builds its first context.
     *
     * @throws TlsSetupException when a file cannot be used or the provider cannot be
     */
    public static ServerTlsContext load(String listenerName, TlsConfig config) {
        SslProvider provider = provider(config.provider());
        List<FileStamp> stamps = stamp(config);
        SslContext context = build(config, provider);
        ServerTlsContext tls = new ServerTlsContext(listenerName, config, provider, context, stamps);
        LOG.info("Listener {}: TLS through {} ({}), client certificates {}", listenerName,
                provider == SslProvider.JDK ? "the JDK" : "OpenSSL (" + OpenSsl.versionString() + ")",
                String.join(", ", config.protocols()), config.clientCertificate().name().toLowerCase(java.util.Locale.ROOT));
        return tls;
    }

    /** The context for a new connection. */
    public SslContext current() {
        return current;
    }

    /** The provider in use: the configured one, or what {@code auto} chose. */
    public SslProvider provider() {
        return provider;
    }

    /** Checks the files every {@code tls.reload-check-interval} on one executor of the group (not at all for 0). */
    void scheduleChecks(EventExecutorGroup group) {
        long intervalMillis = config.reloadCheckInterval().toMillis();
        if (intervalMillis <= 0) {
            return;
        }
        // File status reads are short and happen once per interval; a reload (rare) parses a few small files.
        // The checks stop when the group shuts down with the broker.
        group.next().scheduleWithFixedDelay(this::reloadIfChanged, intervalMillis, intervalMillis,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Builds a new context when a file's modification time or size has changed since the last attempt.
     *
     * @return whether a new context is now in use
     */
    public boolean reloadIfChanged() {
        List<FileStamp> now;
        try {
            now = stamp(config);
        } catch (TlsSetupException e) {
            if (!unreadable) {
                LOG.error("Listener {}: cannot check the TLS files, keeping the ones in use: {}", listenerName,
                        e.getMessage());
                unreadable = true;
            }
            return false;
        }
        boolean back = unreadable;
        unreadable = false;
        if (now.equals(stamps) && !back) {
            return false;
        }
        // Remembered before reading: a file that changes again while being read is read again at the next check.
        stamps = now;
        SslContext next;
        try {
            next = build(config, provider);
        } catch (TlsSetupException e) {
            LOG.error("Listener {}: the changed TLS files cannot be used, keeping the ones in use: {}", listenerName,
                    e.getMessage());
            return false;
        }
        SslContext previous = current;
        current = next;
        // OpenSSL engines hold their own reference to their context: connections open on the old one are unharmed.
        ReferenceCountUtil.release(previous);
        LOG.info("Listener {}: TLS certificate files changed and were reloaded; new connections use them", listenerName);
        return true;
    }

    private static SslProvider provider(TlsProvider configured) {
        return switch (configured) {
            case JDK -> SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new TlsSetupException("tls.provider is openssl but OpenSSL is not available on this platform: "
                            + OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL;
            }
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        };
    }

    private static SslContext build(TlsConfig config, SslProvider provider) {
        List<X509Certificate> chain = certificates(Path.of(config.certFile()), "tls.cert-file");
        PrivateKey key = privateKey(Path.of(config.keyFile()));
        requireMatchingKey(key, chain.get(0), config);
        warnWhenNotValidNow(chain.get(0), config.certFile());
        SslContextBuilder builder = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                .sslProvider(provider)
                .protocols(config.protocols());
        if (!config.cipherSuites().isEmpty()) {
            // Exactly the suites given: a misspelt one fails here instead of being dropped silently.
            builder.ciphers(config.cipherSuites(), IdentityCipherSuiteFilter.INSTANCE);
        }
        if (config.clientCertificate() != ClientCertificateMode.NONE) {
            List<X509Certificate> authorities = certificates(Path.of(config.caFile()), "tls.ca-file");
            builder.trustManager(authorities.toArray(X509Certificate[]::new))
                    .clientAuth(config.clientCertificate() == ClientCertificateMode.REQUIRED
                            ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
        }
        SslContext context;
        try {
            context = builder.build();
        } catch (Exception e) {
            throw new TlsSetupException("cannot set up TLS: " + message(e), e);
        }
        probe(context);
        return context;
    }

    /**
     * Creates and drops one engine, so that protocols and cipher suites the provider refuses fail at start (or at
     * reload) rather than on every connection.
     */
    private static void probe(SslContext context) {
        SSLEngine engine = null;
        try {
            engine = context.newEngine(ByteBufAllocator.DEFAULT);
            if (engine.getEnabledProtocols().length == 0) {
                throw new TlsSetupException("none of tls.protocols is supported by the TLS provider");
            }
            if (engine.getEnabledCipherSuites().length == 0) {
                throw new TlsSetupException("none of tls.cipher-suites is supported by the TLS provider");
            }
        } catch (IllegalArgumentException e) {
            ReferenceCountUtil.release(context);
            throw new TlsSetupException("cannot set up TLS: " + message(e), e);
        } catch (TlsSetupException e) {
            ReferenceCountUtil.release(context);
            throw e;
        } finally {
            ReferenceCountUtil.release(engine);
        }
    }

    private static List<X509Certificate> certificates(Path file, String key) {
        byte[] pem = read(file, key);
        try {
            List<X509Certificate> certificates = new ArrayList<>();
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            factory.generateCertificates(new ByteArrayInputStream(pem))
                    .forEach(certificate -> certificates.add((X509Certificate) certificate));
            if (certificates.isEmpty()) {
                throw new TlsSetupException(key + " " + file + " holds no certificate");
            }
            return certificates;
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException(key + " " + file + " is not a PEM certificate file: " + message(e), e);
        }
    }

    private static PrivateKey privateKey(Path file) {
        String pem = new String(read(file, "tls.key-file"), StandardCharsets.US_ASCII);
        Matcher matcher = PRIVATE_KEY_PEM.matcher(pem);
        if (!matcher.find()) {
            Matcher other = OTHER_KEY_PEM.matcher(pem);
            String found = other.find() ? "a '" + other.group(1) + "PRIVATE KEY' block" : "no private key";
            throw new TlsSetupException("tls.key-file " + file + " holds " + found + "; an unencrypted PKCS#8 key "
                    + "('BEGIN PRIVATE KEY') is needed: convert it with openssl pkcs8 -topk8 -nocrypt");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(matcher.group(1));
        } catch (IllegalArgumentException e) {
            throw new TlsSetupException("tls.key-file " + file + " is not valid PEM: " + e.getMessage(), e);
        }
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisAlgorithm) {
                // next
            }
        }
        throw new TlsSetupException("tls.key-file " + file + " holds a private key of an unsupported algorithm");
    }

    /** Signs a few bytes with the key and verifies them with the certificate: a mismatched pair fails here. */
    private static void requireMatchingKey(PrivateKey key, X509Certificate certificate, TlsConfig config) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        byte[] sample = "starling key check".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                signer.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            signer.initSign(key);
            signer.update(sample);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                verifier.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(sample);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new TlsSetupException("tls.key-file " + config.keyFile() + " is not the key of the first certificate in "
                    + "tls.cert-file " + config.certFile());
        }
    }

    private static void warnWhenNotValidNow(X509Certificate certificate, String file) {
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException e) {
            LOG.warn("The certificate in {} expired on {}: clients will refuse it", file, certificate.getNotAfter());
        } catch (CertificateNotYetValidException e) {
            LOG.warn("The certificate in {} is not valid before {}: clients will refuse it", file,
                    certificate.getNotBefore());
        }
    }

    private static byte[] read(Path file, String key) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TlsSetupException("cannot read " + key + " " + file + ": " + message(e), e);
        }
    }

    private static List<FileStamp> stamp(TlsConfig config) {
        List<FileStamp> stamps = new ArrayList<>();
        stamps.add(FileStamp.of(Path.of(config.certFile()), "tls.cert-file"));
        stamps.add(FileStamp.of(Path.of(config.keyFile()), "tls.key-file"));
        if (config.clientCertificate() != ClientCertificateMode.NONE) {
            stamps.add(FileStamp.of(Path.of(config.caFile()), "tls.ca-file"));
        }
        return List.copyOf(stamps);
    }

    private static String message(Throwable e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return message.strip().lines().findFirst().orElse(message);
    }

    /** What tells a changed file from an unchanged one without reading it. */
    private record FileStamp(Path file, FileTime modified, long size) {
        static FileStamp of(Path file, String key) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileStamp(file, attributes.lastModifiedTime(), attributes.size());
            } catch (IOException e) {
                throw new TlsSetupException("cannot read " + key + " " + file + ": " + message(e), e);
            }
        }
    }

    /** A TLS file or setting that cannot be used; the message names the key and the file. */
    public static final class TlsSetupException extends RuntimeException {
        TlsSetupException(String message) {
            super(message);
        }

        TlsSetupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
