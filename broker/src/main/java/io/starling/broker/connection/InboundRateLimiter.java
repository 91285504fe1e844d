package io.starling.broker.connection;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.starling.broker.config.ConnectionConfig;
import io.starling.broker.listener.PipelineNames;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.codec.packet.Publish;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A connection's inbound budgets, {@code connection.maximum-publish-rate} (PUBLISH packets per second) and
 * {@code connection.maximum-inbound-bandwidth} (bytes per second), enforced by back-pressure: a client over its
 * budget is not refused anything, the broker just stops reading from it (auto-read off) until the budget has
 * refilled, so its TCP window closes and its own writes slow down. Nothing is dropped and the connection stays.
 * Each budget is a {@link TokenBucket} holding one second's worth, so a client may burst that much at once.
 *
 * <p>Two handlers on the channel's event loop share the budgets, installed by {@link #install} when CONNECT is
 * accepted:
 * <ul>
 *   <li>the byte meter, before the frame decoder: counts the bytes read (after TLS and WebSocket), pauses reading
 *       when the byte budget is overdrawn, and holds back the read requests the decoder makes on its own while
 *       reading is paused;</li>
 *   <li>this handler, after the keep-alive watchdog and just before the connection handler: counts PUBLISH packets.
 *       Pausing reads cannot stop the packets already decoded from the last read (a single read may hold hundreds
 *       of small PUBLISHes), so those beyond the budget wait here, in order with every packet behind them, and are
 *       passed on as the budget refills. What waits is bounded by what one read brings.</li>
 * </ul>
 * While reading is paused, a keep-alive timeout is not passed on: the client did send, the broker chose not to
 * read ([MQTT-3.1.2-24] is about packets not received from the client). Each pause is counted in
 * {@link BrokerMetrics} ({@code publishRateThrottles}, {@code bandwidthThrottles}); the first one of a connection
 * is logged.
 */
public final class InboundRateLimiter extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(InboundRateLimiter.class);
    /** While packets wait, they are released in batches of up to a tenth of the budget: at most ~10 wake-ups/s. */
    private static final int BATCHES_PER_SECOND = 10;

    private final TokenBucket publishes;
    private final long publishesPerSecond;
    private final TokenBucket bytes;
    private final long bytesPerSecond;
    private final String clientId;
    private final SocketAddress address;
    private final BrokerMetrics metrics;
    private final LongSupplier nanoClock;
    private final ByteMeter byteMeter = new ByteMeter();
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private final Runnable resumeTask = this::resume;
    private ChannelHandlerContext ctx;
    /** Reading is off because of this limiter. */
    private boolean paused;
    private ScheduledFuture<?> resumeScheduled;
    private boolean logged;
    private boolean removed;

    /** {@code publishesPerSecond} and {@code bytesPerSecond} 0 mean no limit of that kind. */
    InboundRateLimiter(long publishesPerSecond, long bytesPerSecond, String clientId, SocketAddress address,
                       BrokerMetrics metrics, LongSupplier nanoClock) {
        long now = nanoClock.getAsLong();
        this.publishesPerSecond = publishesPerSecond;
        this.publishes = publishesPerSecond > 0 ? new TokenBucket(publishesPerSecond, publishesPerSecond, now) : null;
        this.bytesPerSecond = bytesPerSecond;
        this.bytes = bytesPerSecond > 0 ? new TokenBucket(bytesPerSecond, bytesPerSecond, now) : null;
        this.clientId = clientId;
        this.address = address;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
    }

    /**
     * Adds the limiter for a connection whose CONNECT was just accepted, when {@code limits} set any budget: the
     * byte meter before the frame decoder, the packet handler before the CONNECT handler (which the connection
     * handler replaces). Returns whether it did.
     */
    public static boolean install(ChannelPipeline pipeline, ConnectionConfig limits, String clientId,
                                  SocketAddress address, BrokerMetrics metrics) {
        if (limits.maximumPublishRate() == 0 && limits.maximumInboundBandwidth() == 0) {
            return false;
        }
        InboundRateLimiter limiter = new InboundRateLimiter(limits.maximumPublishRate(),
                limits.maximumInboundBandwidth(), clientId, address, metrics, System::nanoTime);
        pipeline.addBefore(PipelineNames.FRAME_DECODER, PipelineNames.INBOUND_BYTES, limiter.byteMeter());
        pipeline.addBefore(PipelineNames.CONNECT_HANDLER, PipelineNames.INBOUND_RATE_LIMIT, limiter);
        return true;
    }

    /** The handler that counts bytes; it belongs before the frame decoder, on the same event loop as this one. */
    ChannelDuplexHandler byteMeter() {
        return byteMeter;
    }

    /** Whether reading is paused by this limiter now. */
    boolean paused() {
        return paused;
    }

    /** Packets waiting for the PUBLISH budget. */
    int held() {
        return held.size();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!held.isEmpty()) {
            held.addLast(message); // behind the PUBLISHes already waiting: the order of a connection's packets holds
            return;
        }
        if (publishes != null && message instanceof Publish && !publishes.tryTake(1, nanoClock.getAsLong())) {
            held.addLast(message);
            throttle(true);
            return;
        }
        ctx.fireChannelRead(message);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent && paused) {
            return; // not idle: its packets wait in TCP because the broker does not read them
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void stop() {
        removed = true;
        if (resumeScheduled != null) {
            resumeScheduled.cancel(false);
            resumeScheduled = null;
        }
        while (!held.isEmpty()) {
            ReferenceCountUtil.release(held.pollFirst());
        }
    }

    /** Bytes were read: they are paid for, and reading pauses while the budget is overdrawn. */
    private void onBytesRead(int count) {
        long now = nanoClock.getAsLong();
        bytes.take(count, now);
        if (bytes.inDebt(now)) {
            throttle(false);
        }
    }

    /** Pauses reading, counts and logs the pause if it is a new one, and makes sure a resume is scheduled. */
    private void throttle(boolean publishRate) {
        if (removed) {
            return;
        }
        if (!paused) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
            if (publishRate) {
                metrics.publishRateThrottled();
            } else {
                metrics.bandwidthThrottled();
            }
            if (!logged) {
                logged = true;
                LOG.info("Throttling client {} from {}: more than {}; reading from it is paused until its budget "
                        + "refills", clientId, address, publishRate
                        ? publishesPerSecond + " PUBLISH packets per second (connection.maximum-publish-rate)"
                        : bytesPerSecond + " bytes per second (connection.maximum-inbound-bandwidth)");
            }
        }
        scheduleResume(nanoClock.getAsLong());
    }

    private void scheduleResume(long now) {
        if (resumeScheduled != null) {
            return;
        }
        resumeScheduled = ctx.executor().schedule(resumeTask, waitNanos(now), TimeUnit.NANOSECONDS);
    }

    /** How long until there is something to do: a batch of waiting packets to pass on, or the byte debt paid. */
    private long waitNanos(long now) {
        if (!held.isEmpty()) {
            long batch = Math.max(1, Math.min(held.size(), publishesPerSecond / BATCHES_PER_SECOND));
            return publishes.nanosUntil(batch, now);
        }
        return bytes != null ? bytes.nanosUntil(0, now) : 0;
    }

    /** Passes on the waiting packets the budget allows, then either waits again or reads again. */
    void resume() {
        resumeScheduled = null;
        if (removed) {
            return;
        }
        long now = nanoClock.getAsLong();
        boolean passed = false;
        while (!held.isEmpty()) {
            Object next = held.peekFirst();
            if (next instanceof Publish && !publishes.tryTake(1, now)) {
                break;
            }
            held.pollFirst();
            ctx.fireChannelRead(next);
            passed = true;
            if (removed) {
                return; // the connection ended on one of them
            }
        }
        if (passed) {
            ctx.fireChannelReadComplete();
        }
        if (!held.isEmpty() || (bytes != null && bytes.inDebt(now))) {
            scheduleResume(now);
            return;
        }
        paused = false;
        ctx.channel().config().setAutoRead(true);
    }

    /**
     * Before the frame decoder: counts the bytes read and, while reading is paused, drops the read requests the
     * decoder makes by itself when a read ended inside a packet (auto-read turned back on reads again).
     */
    private final class ByteMeter extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (bytes != null && message instanceof ByteBuf buffer && !removed) {
                onBytesRead(buffer.readableBytes());
            }
            ctx.fireChannelRead(message);
        }

        @Override
        public void read(ChannelHandlerContext ctx) {
            if (!paused) {
                ctx.read();
            }
        }
    }
}
