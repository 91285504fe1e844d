package io.starling.it.transport;

import io.netty.handler.ssl.OpenSsl;
import io.starling.broker.Broker;
import io.starling.broker.config.CertificateUsername;
import io.starling.broker.config.ClientCertificateMode;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.config.ListenerType;
import io.starling.broker.config.TlsConfig;
import io.starling.broker.config.TlsProvider;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static io.starling.it.transport.Transports.HOST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * TLS listeners ({@code type: mqtts}) with clients Starling did not write: Eclipse Paho Java and mosquitto_pub /
 * mosquitto_sub (OpenSSL), over TLS 1.2 and 1.3, with the JDK's and OpenSSL's TLS on the broker's side.
 */
class TlsListenerTest {
    private static final String MOSQUITTO_PUB = "/usr/bin/mosquitto_pub";
    private static final String MOSQUITTO_SUB = "/usr/bin/mosquitto_sub";

    @TempDir
    Path dir;
    private Pki pki;
    private Pki.Issued server;
    private Broker broker;

    @BeforeEach
    void pki() throws Exception {
        pki = Pki.create(dir, "main");
        server = pki.server("server");
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    static Stream<Arguments> providersAndVersions() {
        return Stream.of(TlsProvider.JDK, TlsProvider.OPENSSL)
                .flatMap(provider -> Stream.of("TLSv1.2", "TLSv1.3").map(version -> Arguments.of(provider, version)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providersAndVersions")
    void pahoPublishesAndReceivesOverTls(TlsProvider provider, String version) throws Exception {
        requireProvider(provider);
        // The listener offers only this version, so a working connection proves it was the one negotiated.
        broker = Transports.start(listener(tls().withProvider(provider).withProtocols(List.of(version))));

        Transports.pahoRoundTrip(uri(), trusting(pki, null));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providersAndVersions")
    void mosquittoClientsPublishAndReceiveOverTls(TlsProvider provider, String version) throws Exception {
        requireProvider(provider);
        broker = Transports.start(listener(tls().withProvider(provider).withProtocols(List.of(version))));
        String topic = "tls/" + UUID.randomUUID();
        String tlsVersion = version.equals("TLSv1.3") ? "tlsv1.3" : "tlsv1.2";

        Transports.Run pub = Transports.run(dir, MOSQUITTO_PUB, "-h", HOST, "-p", port(), "--cafile", ca(pki),
                "--tls-version", tlsVersion, "-t", topic, "-m", "retained over " + version, "-q", "1", "-r");
        assertThat(pub.exitCode()).as("mosquitto_pub: %s", pub.output()).isZero();

        Transports.Run sub = Transports.run(dir, MOSQUITTO_SUB, "-h", HOST, "-p", port(), "--cafile", ca(pki),
                "--tls-version", tlsVersion, "-t", topic, "-C", "1", "-W", "10");
        assertThat(sub.exitCode()).as("mosquitto_sub: %s", sub.output()).isZero();
        assertThat(sub.output()).contains("retained over " + version);
    }

    @Test
    void tls13OnlyListenerRefusesATls12Client() throws Exception {
        broker = Transports.start(listener(tls().withProtocols(List.of("TLSv1.3"))));
        MqttConnectOptions options = Transports.options();
        options.setSocketFactory(Pki.clientContext(pki, null, "TLSv1.2").getSocketFactory());

        // Paho only: mosquitto_pub's --tls-version tlsv1.2 means "1.2 or later", so it would rightly get in.
        Transports.pahoConnectFailure(uri(), options);
        assertThat(broker.metrics().tlsHandshakeFailures()).isPositive();
    }

    @Test
    void clientTrustingAnotherCaRefusesTheServer() throws Exception {
        broker = Transports.start(listener(tls()));
        Pki other = Pki.create(dir, "other");

        Transports.pahoConnectFailure(uri(), trusting(other, null));
        Transports.Run pub = Transports.run(dir, MOSQUITTO_PUB, "-h", HOST, "-p", port(), "--cafile", ca(other),
                "-t", "t", "-m", "m");
        assertThat(pub.exitCode()).as("mosquitto_pub: %s", pub.output()).isNotZero();
        assertThat(broker.metrics().tlsHandshakeFailures()).isPositive();
    }

    @Test
    void expiredServerCertificateIsRefusedByClients() throws Exception {
        Pki.Issued expired = pki.server("expired", Pki.days(-30), Pki.days(-1));
        broker = Transports.start(listener(TlsConfig.of(expired.cert(), expired.key())));

        Transports.pahoConnectFailure(uri(), trusting(pki, null));
        Transports.Run pub = Transports.run(dir, MOSQUITTO_PUB, "-h", HOST, "-p", port(), "--cafile", ca(pki),
                "-t", "t", "-m", "m");
        assertThat(pub.exitCode()).as("mosquitto_pub: %s", pub.output()).isNotZero();
    }

    @Test
    void requiredClientCertificateLetsInOnlyClientsPresentingOneFromTheCa() throws Exception {
        broker = Transports.start(listener(tls().withClientCertificate(ClientCertificateMode.REQUIRED, ca(pki))));
        Pki.Issued device = pki.client("device", "device-1");
        Pki.Issued stranger = Pki.create(dir, "stranger").client("stranger", "device-1");

        Transports.pahoConnectFailure(uri(), trusting(pki, null));
        Transports.pahoRoundTrip(uri(), trusting(pki, device));

        Transports.Run without = Transports.run(dir, MOSQUITTO_PUB, "-h", HOST, "-p", port(), "--cafile", ca(pki),
                "-t", "t", "-m", "m");
        assertThat(without.exitCode()).as("without certificate: %s", without.output()).isNotZero();
        Transports.Run untrusted = Transports.run(dir, MOSQUITTO_PUB, "-h", HOST, "-p", port(), "--cafile", ca(pki),
                "--cert", stranger.cert(), "--key", stranger.key(), "-t", "t", "-m", "m");
        assertThat(untrusted.exitCode()).as("certificate from another CA: %s", untrusted.output()).isNotZero();
        Transports.Run with = Transports.run(dir, MOSQUITTO_PUB, "-h", HOST, "-p", port(), "--cafile", ca(pki),
                "--cert", device.cert(), "--key", device.key(), "-t", "t", "-m", "m", "-q", "1");
        assertThat(with.exitCode()).as("with certificate: %s", with.output()).isZero();
    }

    @Test
    void optionalClientCertificateLetsInClientsWithout() throws Exception {
        broker = Transports.start(listener(tls().withClientCertificate(ClientCertificateMode.OPTIONAL, ca(pki))));

        Transports.pahoRoundTrip(uri(), trusting(pki, null));
        Transports.pahoRoundTrip(uri(), trusting(pki, pki.client("device", "device-2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void certificateCommonNameIsTheUserNameTheAuthenticatorSees(TlsProvider provider) throws Exception {
        requireProvider(provider);
        Transports.RecordingAuthenticator authenticator = new Transports.RecordingAuthenticator();
        broker = Transports.start(authenticator, listener(tls().withProvider(provider)
                .withClientCertificate(ClientCertificateMode.REQUIRED, ca(pki))
                .withUsernameFromCertificate(CertificateUsername.CN)));
        MqttConnectOptions options = trusting(pki, pki.client("device", "device-17"));
        options.setUserName("what-the-client-claims");

        Transports.pahoRoundTrip(uri(), options);

        assertThat(authenticator.requests).hasSize(1);
        assertThat(authenticator.requests.get(0).username()).isEqualTo("device-17");
    }

    @Test
    void certificateEmailAlternativeNameIsTheUserNameForMosquittoPub() throws Exception {
        Transports.RecordingAuthenticator authenticator = new Transports.RecordingAuthenticator();
        broker = Transports.start(authenticator, listener(tls()
                .withClientCertificate(ClientCertificateMode.REQUIRED, ca(pki))
                .withUsernameFromCertificate(CertificateUsername.SAN_EMAIL)));
        Pki.Issued device = pki.client("device", "device-18");

        Transports.Run pub = Transports.run(dir, MOSQUITTO_PUB, "-h", HOST, "-p", port(), "--cafile", ca(pki),
                "--cert", device.cert(), "--key", device.key(), "-t", "t", "-m", "m", "-q", "1");

        assertThat(pub.exitCode()).as("mosquitto_pub: %s", pub.output()).isZero();
        assertThat(authenticator.requests).extracting(request -> request.username())
                .containsExactly("device-18@clients.test");
    }

    @Test
    void rotatedCertificateFilesServeNewConnectionsWithoutRestart() throws Exception {
        broker = Transports.start(listener(tls().withReloadCheckInterval(Duration.ofMillis(100))));
        BigInteger first = serverCertificateSerial();
        assertThat(first).isEqualTo(server.certificate().getSerialNumber());
        MqttConnectOptions options = trusting(pki, null);

        Pki.Issued renewed = pki.server("renewed");
        Pki.replace(server, renewed);

        await("the renewed certificate is served").atMost(Transports.TIMEOUT)
                .until(() -> serverCertificateSerial().equals(renewed.certificate().getSerialNumber()));
        Transports.pahoRoundTrip(uri(), options);
    }

    static Stream<TlsProvider> providers() {
        return Stream.of(TlsProvider.JDK, TlsProvider.OPENSSL);
    }

    private BigInteger serverCertificateSerial() throws Exception {
        SSLContext context = Pki.clientContext(pki, null, "TLS");
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(HOST, broker.port())) {
            socket.setSoTimeout((int) Transports.TIMEOUT.toMillis());
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static void requireProvider(TlsProvider provider) {
        if (provider == TlsProvider.OPENSSL) {
            assumeThat(OpenSsl.isAvailable()).as("OpenSSL (netty-tcnative) on this platform").isTrue();
        }
    }

    private TlsConfig tls() {
        return TlsConfig.of(server.cert(), server.key());
    }

    private static ListenerConfig listener(TlsConfig tls) {
        return ListenerConfig.of("tls", ListenerType.MQTTS, HOST, 0, tls);
    }

    private static MqttConnectOptions trusting(Pki trusted, Pki.Issued clientCertificate) throws Exception {
        MqttConnectOptions options = Transports.options();
        options.setSocketFactory(Pki.clientContext(trusted, clientCertificate, "TLS").getSocketFactory());
        return options;
    }

    private static String ca(Pki trusted) {
        return trusted.authority().cert();
    }

    private String uri() {
        return "ssl://" + HOST + ":" + broker.port();
    }

    private String port() {
        return Integer.toString(broker.port());
    }
}
