package io.starling.it.transport;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small PKI made at test time in a temporary directory: a CA, server certificates for 127.0.0.1 and localhost,
 * client certificates, an expired one. EC P-256 keys (fast to make); nothing is committed.
 */
final class Pki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final char[] NO_PASSWORD = new char[0];

    /** A certificate, its key, and where they were written as PEM. */
    record Issued(X509Certificate certificate, KeyPair keys, Path certFile, Path keyFile) {
        String cert() {
            return certFile.toString();
        }

        String key() {
            return keyFile.toString();
        }
    }

    private final Path dir;
    private final Issued authority;

    private Pki(Path dir, Issued authority) {
        this.dir = dir;
        this.authority = authority;
    }

    /** A new CA whose certificate is written to {@code <name>-ca.pem} in {@code dir}. */
    static Pki create(Path dir, String name) throws Exception {
        KeyPair keys = keyPair();
        X500Name subject = new X500Name("CN=" + name + " Test CA,O=Starling tests");
        X509v3CertificateBuilder builder = builder(subject, subject, keys, days(-1), days(30));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate certificate = sign(builder, keys);
        Path certFile = dir.resolve(name + "-ca.pem");
        Files.writeString(certFile, pem("CERTIFICATE", certificate.getEncoded()));
        return new Pki(dir, new Issued(certificate, keys, certFile, null));
    }

    Issued authority() {
        return authority;
    }

    /** A server certificate valid now for 127.0.0.1, ::1 and localhost. */
    Issued server(String fileName) throws Exception {
        return server(fileName, days(-1), days(30));
    }

    Issued server(String fileName, Instant notBefore, Instant notAfter) throws Exception {
        return issue(fileName, "CN=localhost,O=Starling tests", notBefore, notAfter, KeyPurposeId.id_kp_serverAuth,
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1"),
                new GeneralName(GeneralName.dNSName, "localhost"));
    }

    /** A client certificate with the given CN and an e-mail alternative name {@code <cn>@clients.test}. */
    Issued client(String fileName, String commonName) throws Exception {
        return issue(fileName, "CN=" + commonName + ",O=Starling tests", days(-1), days(30),
                KeyPurposeId.id_kp_clientAuth, new GeneralName(GeneralName.rfc822Name, commonName + "@clients.test"));
    }

    private Issued issue(String fileName, String subject, Instant notBefore, Instant notAfter, KeyPurposeId purpose,
                         GeneralName... alternativeNames) throws Exception {
        KeyPair keys = keyPair();
        X500Name issuer = X500Name.getInstance(authority.certificate().getSubjectX500Principal().getEncoded());
        X509v3CertificateBuilder builder = builder(issuer, new X500Name(subject), keys, notBefore, notAfter);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternativeNames));
        X509Certificate certificate = sign(builder, authority.keys());
        Path certFile = dir.resolve(fileName + ".pem");
        Path keyFile = dir.resolve(fileName + ".key");
        writeAtomically(certFile, pem("CERTIFICATE", certificate.getEncoded()));
        writeAtomically(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        return new Issued(certificate, keys, certFile, keyFile);
    }

    /**
     * Replaces {@code target}'s certificate and key files with {@code source}'s, each by an atomic rename, as a
     * careful operator (or certbot) does.
     */
    static void replace(Issued target, Issued source) throws IOException {
        Path certCopy = Files.copy(source.certFile(), target.certFile().resolveSibling(".next-cert"),
                StandardCopyOption.REPLACE_EXISTING);
        Path keyCopy = Files.copy(source.keyFile(), target.keyFile().resolveSibling(".next-key"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.move(keyCopy, target.keyFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(certCopy, target.certFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A client SSLContext trusting {@code trusted}'s CA and presenting {@code clientCertificate} (or none). */
    static SSLContext clientContext(Pki trusted, Issued clientCertificate, String protocol) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trusted.authority().certificate());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = null;
        if (clientCertificate != null) {
            KeyStore identity = KeyStore.getInstance("PKCS12");
            identity.load(null, null);
            identity.setKeyEntry("client", clientCertificate.keys().getPrivate(), NO_PASSWORD,
                    new X509Certificate[] {clientCertificate.certificate()});
            keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(identity, NO_PASSWORD);
        }
        SSLContext context = SSLContext.getInstance(protocol);
        context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    static Instant days(int fromNow) {
        return Instant.now().plus(Duration.ofDays(fromNow));
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(temporary, content);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys,
                                                    Instant notBefore, Instant notAfter) {
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(notBefore), Date.from(notAfter), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }
}
