package io.starling.loadtool.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.starling.codec.ReasonCode;
import io.starling.codec.netty.DecodeFailure;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.Disconnect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PingReq;
import io.starling.codec.packet.PubAck;
import io.starling.codec.packet.PubComp;
import io.starling.codec.packet.PubRec;
import io.starling.codec.packet.PubRel;
import io.starling.codec.packet.Publish;
import io.starling.codec.packet.SubAck;
import io.starling.codec.property.MqttProperties;
import io.starling.loadtool.report.LatencySummary;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The tool's minimal MQTT client: one connection's state machine, the last handler of its pipeline. It sends
 * CONNECT when the TCP connection is up, waits for CONNACK, pings at 3/4 of the keep alive, and dispatches every
 * other packet to its role ({@link PublisherConnection}, {@link SubscriberConnection}, {@link IdleConnection}).
 *
 * <p>Runs on its channel's event loop. Writes are not flushed one by one: {@link #write} marks the channel and
 * the flush happens once at the end of the read batch ({@code channelReadComplete}) or of the caller's own batch.
 * A failure (refused, malformed packet, unexpected packet, closed by the broker) is recorded, not thrown: the
 * thread that drives the run reads {@link #failure()} and reports it.
 */
public abstract class ClientConnection extends ChannelInboundHandlerAdapter {
    private final ClientSettings settings;
    private final String clientId;
    private final Loop loop;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile String failure;
    private volatile long connectStartNanos;
    private volatile long connAckNanos;
    protected ChannelHandlerContext ctx;
    private boolean closing;
    private boolean pendingFlush;
    private ScheduledFuture<?> pinger;

    protected ClientConnection(ClientSettings settings, String clientId, Loop loop) {
        this.settings = settings;
        this.clientId = clientId;
        this.loop = loop;
    }

    public ClientSettings settings() {
        return settings;
    }

    public String clientId() {
        return clientId;
    }

    public Loop loop() {
        return loop;
    }

    /** Completes when the client can do its work (after CONNACK; a subscriber after SUBACK), or fails. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** Completes when the connection is closed, for whatever reason. */
    public CompletableFuture<Void> closed() {
        return closed;
    }

    /** Why this connection failed, or null. */
    public String failure() {
        return failure;
    }

    /** When CONNACK arrived (System.nanoTime()), 0 before. */
    public long connAckNanos() {
        return connAckNanos;
    }

    public long connectStartNanos() {
        return connectStartNanos;
    }

    void connectStarted(long nanos) {
        connectStartNanos = nanos;
    }

    void connectFailed(Throwable cause) {
        fail("cannot connect to " + settings.target() + ": " + describe(cause));
        closed.complete(null);
    }

    // ------------------------------------------------------------------------------------------ Netty callbacks

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        byte[] password = settings.password() == null ? null : settings.password().getBytes(StandardCharsets.UTF_8);
        MqttProperties properties = settings.sessionExpirySeconds() == 0 ? MqttProperties.EMPTY
                : MqttProperties.builder().sessionExpiryInterval(settings.sessionExpirySeconds()).build();
        Connect connect = new Connect(settings.version(), clientId, true, settings.keepAliveSeconds(),
                settings.username(), password, null, properties);
        context.writeAndFlush(connect, context.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (message instanceof DecodeFailure decodeFailure) {
            fail("malformed packet from the broker: " + decodeFailure.message());
            context.close();
        } else if (message instanceof MqttPacket packet) {
            dispatch(packet);
        } else {
            fail("unexpected message in the pipeline: " + message.getClass().getName());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        afterRead();
        flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (context.channel().isWritable()) {
            writable();
            flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        if (pinger != null) {
            pinger.cancel(false);
        }
        if (!closing) {
            fail("connection closed by the broker");
        }
        onClosed();
        closed.complete(null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        fail(describe(cause));
        context.close();
    }

    // ------------------------------------------------------------------------------------------------ dispatch

    private void dispatch(MqttPacket packet) {
        // Java 17: no pattern matching in switch yet, so the type decides and a cast follows.
        switch (packet.type()) {
            case CONNACK -> connAck((ConnAck) packet);
            case PUBLISH -> onPublish((Publish) packet);
            case PUBACK -> {
                PubAck ack = (PubAck) packet;
                onPubAck(ack.packetId(), ack.reasonCode());
            }
            case PUBREC -> {
                PubRec rec = (PubRec) packet;
                onPubRec(rec.packetId(), rec.reasonCode());
            }
            case PUBREL -> onPubRel(((PubRel) packet).packetId());
            case PUBCOMP -> onPubComp(((PubComp) packet).packetId());
            case SUBACK -> onSubAck((SubAck) packet);
            case PINGRESP -> {
                // the keep alive did its job
            }
            case DISCONNECT -> {
                Disconnect disconnect = (Disconnect) packet;
                fail("the broker sent DISCONNECT " + reason(disconnect.reasonCode()));
                close();
            }
            default -> unexpected(packet);
        }
    }

    private void connAck(ConnAck connAck) {
        if (connAckNanos != 0) {
            unexpected(connAck);
            return;
        }
        connAckNanos = System.nanoTime();
        if (connAck.reasonCode().isError()) {
            fail("the broker refused the connection: CONNACK " + reason(connAck.reasonCode()));
            close();
            return;
        }
        LatencySummary.record(loop.connack(), connAckNanos - connectStartNanos);
        Integer serverKeepAlive = connAck.properties().serverKeepAlive();
        int keepAlive = serverKeepAlive != null ? serverKeepAlive : settings.keepAliveSeconds();
        if (keepAlive > 0) {
            long period = keepAlive * 750L;
            pinger = ctx.executor().scheduleAtFixedRate(this::ping, period, period, TimeUnit.MILLISECONDS);
        }
        onConnAck(connAck);
    }

    private void ping() {
        ctx.writeAndFlush(PingReq.INSTANCE, ctx.voidPromise());
    }

    // -------------------------------------------------------------------------------------------- role hooks

    /** CONNACK with success arrived; by default the client is ready. */
    protected void onConnAck(ConnAck connAck) {
        markReady();
    }

    /** A PUBLISH from the broker; the implementation releases it. */
    protected void onPublish(Publish publish) {
        publish.release();
        unexpected(publish);
    }

    protected void onPubAck(int packetId, ReasonCode reasonCode) {
        fail("unexpected PUBACK " + packetId);
    }

    protected void onPubRec(int packetId, ReasonCode reasonCode) {
        fail("unexpected PUBREC " + packetId);
    }

    protected void onPubRel(int packetId) {
        fail("unexpected PUBREL " + packetId);
    }

    protected void onPubComp(int packetId) {
        fail("unexpected PUBCOMP " + packetId);
    }

    protected void onSubAck(SubAck subAck) {
        unexpected(subAck);
    }

    /** The end of a batch of reads, before the flush. */
    protected void afterRead() {
    }

    /** The channel can take writes again. */
    protected void writable() {
    }

    /** The channel closed (by us or by the broker). */
    protected void onClosed() {
    }

    // ----------------------------------------------------------------------------------------------- helpers

    protected final void markReady() {
        ready.complete(null);
    }

    /** Queues a packet or a pre-encoded buffer; it goes out at the next {@link #flush()}. */
    protected final void write(Object message) {
        ctx.write(message, ctx.voidPromise());
        pendingFlush = true;
    }

    protected final void flush() {
        if (pendingFlush) {
            pendingFlush = false;
            ctx.flush();
        }
    }

    protected final boolean isWritable() {
        return ctx.channel().isWritable();
    }

    protected final boolean isOpen() {
        return ctx != null && ctx.channel().isActive() && !closing;
    }

    /** Records the first failure of this connection; the ready future fails with it. */
    protected final void fail(String reason) {
        if (failure == null) {
            failure = clientId + ": " + reason;
        }
        ready.completeExceptionally(new BenchException(failure));
    }

    private void unexpected(MqttPacket packet) {
        fail("unexpected " + packet.type() + " from the broker");
    }

    /** Ends the connection politely: DISCONNECT, then close. Call on the loop, or through {@link #disconnect()}. */
    protected final void close() {
        if (ctx == null || closing) {
            return;
        }
        closing = true;
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(Disconnect.NORMAL).addListener(done -> ctx.close());
        } else {
            ctx.close();
        }
    }

    /** Disconnects from any thread; the returned future completes once the channel is closed. */
    public CompletableFuture<Void> disconnect() {
        if (ctx == null) {
            closed.complete(null); // never connected
            return closed;
        }
        ctx.executor().execute(this::close);
        return closed;
    }

    /** Closes the TCP connection abruptly, without DISCONNECT: for tests that need a client to vanish. */
    public void abort() {
        if (ctx != null) {
            ctx.executor().execute(() -> {
                closing = true;
                ctx.channel().close();
            });
        }
    }

    private static String reason(ReasonCode code) {
        return String.format("0x%02X %s", code.value(), code);
    }

    private static String describe(Throwable cause) {
        Throwable root = cause;
        for (int depth = 0; depth < 10 && root.getCause() != null; depth++) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
