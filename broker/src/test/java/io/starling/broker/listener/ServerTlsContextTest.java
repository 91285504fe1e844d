package io.starling.broker.listener;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.starling.broker.config.ClientCertificateMode;
import io.starling.broker.config.TlsConfig;
import io.starling.broker.config.TlsProvider;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class ServerTlsContextTest {
    @TempDir
    Path dir;
    private TestPki.Issued authority;
    private Path cert;
    private Path key;
    private TlsConfig config;
    private int bumps;

    @BeforeEach
    void files() throws Exception {
        authority = TestPki.authority("Test CA");
        cert = dir.resolve("server.pem");
        key = dir.resolve("server.key");
        TestPki.leaf(authority, "CN=localhost", new GeneralName(GeneralName.dNSName, "localhost"))
                .writePem(cert, key);
        config = TlsConfig.of(cert.toString(), key.toString()).withProvider(TlsProvider.JDK);
    }

    @Test
    void loadsPemFilesWithTheJdkProvider() {
        ServerTlsContext tls = ServerTlsContext.load("t", config);

        assertThat(tls.provider()).isEqualTo(SslProvider.JDK);
        assertThat(tls.current().isServer()).isTrue();
    }

    @Test
    void autoChoosesOpenSslWhereItIsAvailable() {
        ServerTlsContext tls = ServerTlsContext.load("t", config.withProvider(TlsProvider.AUTO));

        assertThat(tls.provider()).isEqualTo(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
    }

    @Test
    void openSslProviderLoadsTheSameFiles() {
        assumeThat(OpenSsl.isAvailable()).as("netty-tcnative-boringssl-static on this platform").isTrue();

        ServerTlsContext tls = ServerTlsContext.load("t", config.withProvider(TlsProvider.OPENSSL));

        assertThat(tls.provider()).isEqualTo(SslProvider.OPENSSL);
    }

    @Test
    void keyOfAnotherCertificateIsRefused() throws Exception {
        TestPki.leaf(authority, "CN=other").writePem(dir.resolve("other.pem"), key);

        assertThatThrownBy(() -> ServerTlsContext.load("t", config))
                .isInstanceOf(ServerTlsContext.TlsSetupException.class)
                .hasMessageContaining("is not the key of the first certificate");
    }

    @Test
    void pkcs1KeyIsRefusedWithTheConversionCommand() throws Exception {
        Files.writeString(key, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");

        assertThatThrownBy(() -> ServerTlsContext.load("t", config))
                .hasMessageContaining("'EC PRIVATE KEY' block").hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void missingFileIsNamedWithItsKey() {
        TlsConfig missing = config.withFiles(dir.resolve("nope.pem").toString(), key.toString());

        assertThatThrownBy(() -> ServerTlsContext.load("t", missing))
                .hasMessageContaining("tls.cert-file").hasMessageContaining("nope.pem");
    }

    @Test
    void unknownCipherSuiteFailsAtLoad() {
        TlsConfig typo = config.withCipherSuites(List.of("TLS_AES_128_GCM_SHA256", "TLS_NOT_A_SUITE"));

        assertThatThrownBy(() -> ServerTlsContext.load("t", typo))
                .isInstanceOf(ServerTlsContext.TlsSetupException.class);
    }

    @Test
    void clientCertificatesNeedTheCaFile() throws Exception {
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, TestPki.pem("CERTIFICATE", authority.certificate().getEncoded()));

        ServerTlsContext tls = ServerTlsContext.load("t",
                config.withClientCertificate(ClientCertificateMode.REQUIRED, ca.toString()));

        assertThat(tls.current()).isNotNull();
    }

    @Test
    void changedFilesAreReloadedAndUnchangedOnesAreNot() throws Exception {
        ServerTlsContext tls = ServerTlsContext.load("t", config);
        SslContext first = tls.current();

        assertThat(tls.reloadIfChanged()).isFalse();
        assertThat(tls.current()).isSameAs(first);

        TestPki.leaf(authority, "CN=rotated").writePem(cert, key);
        bumpModificationTimes();

        assertThat(tls.reloadIfChanged()).isTrue();
        assertThat(tls.current()).isNotSameAs(first);
    }

    @Test
    void brokenNewFilesKeepTheContextInUse() throws Exception {
        ServerTlsContext tls = ServerTlsContext.load("t", config);
        SslContext inUse = tls.current();

        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nhalf writ");
        bumpModificationTimes();

        assertThat(tls.reloadIfChanged()).isFalse();
        assertThat(tls.current()).isSameAs(inUse);

        TestPki.leaf(authority, "CN=fixed").writePem(cert, key);
        bumpModificationTimes();
        assertThat(tls.reloadIfChanged()).isTrue();
    }

    /** Some file systems keep modification times in whole seconds: make the change visible whatever the size. */
    private void bumpModificationTimes() throws Exception {
        FileTime later = FileTime.from(Instant.now().plusSeconds(10L * ++bumps));
        Files.setLastModifiedTime(cert, later);
        Files.setLastModifiedTime(key, later);
    }
}
