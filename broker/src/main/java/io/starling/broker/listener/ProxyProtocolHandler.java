package io.starling.broker.listener;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.starling.broker.metrics.BrokerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Sits after Netty's {@code HAProxyMessageDecoder} on listeners with {@code proxy-protocol: true}: takes the
 * client's address from the decoded header into {@link ListenerAttributes#PROXIED_CLIENT_ADDRESS}, then removes
 * itself (the decoder removes itself too and passes on what followed the header). A header that does not decode
 * closes the connection, logged (rate-limited) rather than reported as an error.
 *
 * <p>A header with the LOCAL command (the proxy's own health check) or an address family other than IPv4 and
 * IPv6 carries no client address; the connection is kept and its socket address stays the one reported.
 */
final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyProtocolHandler.class);

    private final String listenerName;
    private final BrokerMetrics metrics;
    private final RateLimitedLog log;
    /** Set once the header failed to decode: whatever the decoder still passes on is dropped. */
    private boolean failed;

    ProxyProtocolHandler(String listenerName, BrokerMetrics metrics, RateLimitedLog log) {
        this.listenerName = listenerName;
        this.metrics = metrics;
        this.log = log;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (failed) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (!(message instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(message);
            return;
        }
        try {
            InetSocketAddress client = clientAddress(header);
            if (client != null) {
                ctx.channel().attr(ListenerAttributes.PROXIED_CLIENT_ADDRESS).set(client);
            }
            LOG.debug("Listener {}: PROXY {} header from {}: client {}", listenerName, header.protocolVersion(),
                    ctx.channel().remoteAddress(), client != null ? client : "not given (" + header.command() + ")");
        } finally {
            ReferenceCountUtil.release(header);
        }
        ctx.pipeline().remove(this);
    }

    /** The source address of a PROXY header for TCP over IPv4 or IPv6, or null when it carries none. */
    static InetSocketAddress clientAddress(HAProxyMessage header) {
        if (header.command() != HAProxyCommand.PROXY || header.sourceAddress() == null) {
            return null;
        }
        HAProxyProxiedProtocol.AddressFamily family = header.proxiedProtocol().addressFamily();
        if (family != HAProxyProxiedProtocol.AddressFamily.AF_IPv4
                && family != HAProxyProxiedProtocol.AddressFamily.AF_IPv6) {
            return null;
        }
        // A literal parsed without any name lookup; the decoder has already checked its syntax.
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
        return address == null ? null : new InetSocketAddress(address, header.sourcePort());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!isProxyProtocolFailure(cause)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        failed = true;
        metrics.proxyProtocolRefusal();
        log.info(() -> "Listener " + listenerName + ": closing the connection from " + ctx.channel().remoteAddress()
                + ": invalid PROXY protocol header: " + rootMessage(cause));
        ctx.close();
    }

    private static boolean isProxyProtocolFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof HAProxyProtocolException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
