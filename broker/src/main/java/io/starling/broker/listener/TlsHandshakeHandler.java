package io.starling.broker.listener;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.starling.broker.config.CertificateUsername;
import io.starling.broker.metrics.BrokerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Sits right after the {@link SslHandler} of TLS listeners, for the handshake only. A failed handshake (wrong CA,
 * no client certificate where one is required, plain MQTT sent to a TLS port) is counted and logged in one line,
 * rate-limited, instead of travelling up the pipeline as an exception; the {@link SslHandler} closes the
 * connection. After a successful handshake, on listeners with {@code tls.username-from-certificate}, the verified
 * client certificate's identity goes into {@link ListenerAttributes#CERTIFICATE_IDENTITY}, then the handler
 * removes itself. No MQTT byte can reach the CONNECT handler before that: application data only flows after the
 * handshake, and this handler is between the two.
 */
final class TlsHandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeHandler.class);

    private final String listenerName;
    private final CertificateUsername usernameSource;
    private final BrokerMetrics metrics;
    private final RateLimitedLog failures;

    TlsHandshakeHandler(String listenerName, CertificateUsername usernameSource, BrokerMetrics metrics,
                        RateLimitedLog failures) {
        this.listenerName = listenerName;
        this.usernameSource = usernameSource;
        this.metrics = metrics;
        this.failures = failures;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent completion) {
            if (completion.isSuccess()) {
                identify(ctx);
                ctx.pipeline().remove(this);
            } else {
                metrics.tlsHandshakeFailure();
                failures.info(() -> "Listener " + listenerName + ": TLS handshake with "
                        + ListenerAttributes.clientAddress(ctx.channel()) + " failed: " + describe(completion.cause()));
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        // Application data means the handshake is done; should it come before the completion event, the identity
        // is still taken first.
        identify(ctx);
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(message);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // During the handshake every error is the handshake's, reported by the completion event; the SslHandler
        // closes the connection.
        LOG.debug("Listener {}: TLS error from {} during the handshake", listenerName,
                ListenerAttributes.clientAddress(ctx.channel()), cause);
        ctx.close();
    }

    private void identify(ChannelHandlerContext ctx) {
        if (usernameSource == CertificateUsername.NONE
                || ctx.channel().hasAttr(ListenerAttributes.CERTIFICATE_IDENTITY)) {
            return;
        }
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        Optional<String> identity = ssl == null ? Optional.empty() : peerCertificate(ssl.engine().getSession())
                .flatMap(certificate -> CertificateIdentity.of(certificate, usernameSource));
        identity.ifPresentOrElse(
                name -> ctx.channel().attr(ListenerAttributes.CERTIFICATE_IDENTITY).set(name),
                () -> LOG.debug("Listener {}: no {} in a client certificate from {}", listenerName, usernameSource,
                        ListenerAttributes.clientAddress(ctx.channel())));
    }

    private static Optional<X509Certificate> peerCertificate(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? Optional.of(leaf) : Optional.empty();
        } catch (SSLPeerUnverifiedException noCertificate) {
            return Optional.empty(); // client-certificate: optional, and the client sent none
        }
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown reason";
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        return message.strip().lines().findFirst().orElse(message);
    }
}
