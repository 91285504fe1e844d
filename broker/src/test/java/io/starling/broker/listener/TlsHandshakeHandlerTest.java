package io.starling.broker.listener;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.starling.broker.config.CertificateUsername;
import io.starling.broker.config.ClientCertificateMode;
import io.starling.broker.config.TlsConfig;
import io.starling.broker.config.TlsProvider;
import io.starling.broker.metrics.BrokerMetrics;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A TLS handshake between two embedded channels, bytes passed by hand: the server side is the listener's
 * {@code SslHandler} and {@link TlsHandshakeHandler}.
 */
class TlsHandshakeHandlerTest {
    @TempDir
    Path dir;
    private TestPki.Issued authority;
    private TlsConfig serverConfig;
    private final BrokerMetrics metrics = new BrokerMetrics();
    private EmbeddedChannel server;
    private EmbeddedChannel client;

    @BeforeEach
    void pki() throws Exception {
        authority = TestPki.authority("Test CA");
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, TestPki.pem("CERTIFICATE", authority.certificate().getEncoded()));
        TestPki.leaf(authority, "CN=localhost", new GeneralName(GeneralName.dNSName, "localhost"))
                .writePem(dir.resolve("server.pem"), dir.resolve("server.key"));
        serverConfig = TlsConfig.of(dir.resolve("server.pem").toString(), dir.resolve("server.key").toString())
                .withProvider(TlsProvider.JDK)
                .withClientCertificate(ClientCertificateMode.OPTIONAL, ca.toString())
                .withUsernameFromCertificate(CertificateUsername.CN);
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.finishAndReleaseAll();
        }
        if (client != null) {
            client.finishAndReleaseAll();
        }
    }

    @Test
    void verifiedClientCertificatesCnIsSetBeforeTheFirstApplicationByte() throws Exception {
        TestPki.Issued device = TestPki.leaf(authority, "CN=device-42,O=Acme");
        startPair(clientContext(device));

        client.writeAndFlush(Unpooled.copiedBuffer("MQTT", StandardCharsets.US_ASCII));
        pump();

        ByteBuf received = server.readInbound();
        try {
            assertThat(received.toString(StandardCharsets.US_ASCII)).isEqualTo("MQTT");
        } finally {
            received.release();
        }
        assertThat(server.attr(ListenerAttributes.CERTIFICATE_IDENTITY).get()).isEqualTo("device-42");
        assertThat(server.pipeline().get(PipelineNames.TLS_HANDSHAKE)).as("removed after the handshake").isNull();
    }

    @Test
    void clientWithoutCertificateOnAnOptionalListenerHasNoIdentity() throws Exception {
        startPair(clientContext(null));

        client.writeAndFlush(Unpooled.copiedBuffer("MQTT", StandardCharsets.US_ASCII));
        pump();

        ByteBuf received = server.readInbound();
        received.release();
        assertThat(server.hasAttr(ListenerAttributes.CERTIFICATE_IDENTITY)).isFalse();
    }

    @Test
    void clientWithoutAnAcceptedCertificateWhereOneIsRequiredFailsTheHandshakeWithoutAnException() throws Exception {
        // The client's key manager offers only certificates from the CAs the server names, so this one is not sent.
        serverConfig = serverConfig.withClientCertificate(ClientCertificateMode.REQUIRED, serverConfig.caFile());
        TestPki.Issued stranger = TestPki.leaf(TestPki.authority("Other CA"), "CN=intruder");
        startPair(clientContext(stranger));

        pump();

        assertThat(server.isActive()).isFalse();
        assertThat(metrics.tlsHandshakeFailures()).isEqualTo(1);
        server.checkException(); // nothing reached the end of the pipeline
        assertThat(server.hasAttr(ListenerAttributes.CERTIFICATE_IDENTITY)).isFalse();
    }

    private SslContext clientContext(TestPki.Issued certificate) throws Exception {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(authority.certificate());
        if (certificate != null) {
            builder.keyManager(certificate.keys().getPrivate(), certificate.certificate());
        }
        return builder.build();
    }

    private void startPair(SslContext clientContext) {
        ServerTlsContext tls = ServerTlsContext.load("test", serverConfig);
        server = new EmbeddedChannel();
        server.pipeline().addLast(PipelineNames.TLS, tls.current().newHandler(server.alloc()));
        server.pipeline().addLast(PipelineNames.TLS_HANDSHAKE, new TlsHandshakeHandler("test",
                serverConfig.usernameFromCertificate(), metrics,
                new RateLimitedLog(LoggerFactory.getLogger(TlsHandshakeHandlerTest.class), Duration.ofSeconds(1))));
        client = new EmbeddedChannel(clientContext.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT, "localhost", 8883),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close(); // the client side's view of a refused handshake is not under test
                    }
                });
    }

    /** Moves bytes both ways until neither side has anything more to send (bounded). */
    private void pump() {
        for (int round = 0; round < 50; round++) {
            boolean moved = move(client, server) | move(server, client);
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("TLS exchange did not settle in 50 rounds");
    }

    private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (Object out = from.readOutbound(); out != null; out = from.readOutbound()) {
            moved = true;
            if (to.isOpen()) {
                to.writeInbound(out);
            } else {
                io.netty.util.ReferenceCountUtil.release(out);
            }
        }
        from.runPendingTasks();
        return moved;
    }
}
