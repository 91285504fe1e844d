package io.starling.broker.listener;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.starling.broker.metrics.BrokerMetrics;

import java.nio.charset.StandardCharsets;

/**
 * The first handler of every connection: looks at the first bytes the client sends for the start of a PROXY
 * protocol header (v1 {@code "PROXY "}, or the 12-byte v2 signature). On a listener with {@code proxy-protocol}
 * a connection that does not start with one is closed at once, rather than left to the PROXY decoder, which would
 * wait for a line end for up to 108 bytes; on a listener without it, a connection that starts with one is closed
 * with a log line that names the likely cause (a load balancer set up to send it), rather than left to fail as an
 * invalid MQTT, TLS or HTTP first message. Removes itself once the first bytes pass.
 */
final class ProxyHeaderCheck extends ChannelInboundHandlerAdapter {
    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private final boolean headerExpected;
    private final String listenerName;
    private final BrokerMetrics metrics;
    private final RateLimitedLog log;
    private boolean refused;

    ProxyHeaderCheck(boolean headerExpected, String listenerName, BrokerMetrics metrics, RateLimitedLog log) {
        this.headerExpected = headerExpected;
        this.listenerName = listenerName;
        this.metrics = metrics;
        this.log = log;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (refused) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (!(message instanceof ByteBuf bytes) || !bytes.isReadable()) {
            ctx.fireChannelRead(message);
            return;
        }
        boolean header = startsLikeProxyHeader(bytes);
        if (header == headerExpected) {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(bytes);
            return;
        }
        refused = true;
        bytes.release();
        metrics.proxyProtocolRefusal();
        log.info(() -> headerExpected
                ? "Listener " + listenerName + " (proxy-protocol: true): closing the connection from "
                        + ctx.channel().remoteAddress() + ", which did not start with a PROXY protocol header"
                : "Listener " + listenerName + " (proxy-protocol: false): closing the connection from "
                        + ctx.channel().remoteAddress() + ", which started with a PROXY protocol header; "
                        + "set proxy-protocol: true on listeners behind a proxy that sends one");
        ctx.close();
    }

    /**
     * Whether the bytes received so far are the start of a v1 or v2 header. The first read almost always holds
     * the whole header (proxies send it in one write), and the first byte alone already tells it from MQTT
     * CONNECT (0x10), a TLS handshake (0x16) and an HTTP GET.
     */
    static boolean startsLikeProxyHeader(ByteBuf bytes) {
        return matchesPrefix(bytes, V1_PREFIX) || matchesPrefix(bytes, V2_SIGNATURE);
    }

    private static boolean matchesPrefix(ByteBuf bytes, byte[] prefix) {
        int length = Math.min(bytes.readableBytes(), prefix.length);
        int start = bytes.readerIndex();
        for (int i = 0; i < length; i++) {
            if (bytes.getByte(start + i) != prefix[i]) {
                return false;
            }
        }
        return length > 0;
    }
}
