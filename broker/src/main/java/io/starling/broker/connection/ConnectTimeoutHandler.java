package io.starling.broker.connection;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a socket that has not completed CONNECT within the connect timeout, so that idle or half-open sockets
 * cannot hold resources ([MQTT-3.1.4-?] 5.0 section 4.8 non-normative advice; a server SHOULD close such
 * connections after a reasonable time). Removed by the CONNECT handler once CONNECT is accepted.
 */
public final class ConnectTimeoutHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectTimeoutHandler.class);

    private final Duration timeout;
    private ScheduledFuture<?> timer;

    public ConnectTimeoutHandler(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx);
        ctx.fireChannelActive();
    }

    private void arm(ChannelHandlerContext ctx) {
        if (timer == null) {
            timer = ctx.executor().schedule(() -> {
                LOG.info("Closing {}: no CONNECT within {} ms", ctx.channel().remoteAddress(), timeout.toMillis());
                ctx.close();
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
