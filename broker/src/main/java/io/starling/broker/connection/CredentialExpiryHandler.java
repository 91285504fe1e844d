package io.starling.broker.connection;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Disconnect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.property.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Ends a connection when the credentials it was accepted with expire (a token's {@code exp}, see
 * {@link io.starling.broker.spi.AuthenticationResult.Accepted#expiresAt()}). Added by the {@link ConnectHandler}
 * just before the connection handler when authentication gave an expiry; runs on the channel's event loop.
 *
 * <p>At expiry a MQTT 5 client gets DISCONNECT 0x87 Not authorized with the Reason String "credentials expired"
 * (allowed on DISCONNECT even when the client asked for no problem information, [MQTT-3.1.2-29]) and a MQTT 3.x
 * client, which has no DISCONNECT from the server, is simply closed on. Either way the connection ends without a
 * DISCONNECT from the client, so the will is published ([MQTT-3.1.2-8]). The handler sits on the outbound path too,
 * so that its DISCONNECT never overtakes the CONNACK: the server sends no DISCONNECT before a successful CONNACK
 * ([MQTT-3.14.0-1], [MQTT-3.2.0-1]).
 */
public final class CredentialExpiryHandler extends ChannelDuplexHandler {
    /** Its name in the pipeline. */
    public static final String NAME = "credential-expiry";
    private static final Logger LOG = LoggerFactory.getLogger(CredentialExpiryHandler.class);
    private static final String REASON = "credentials expired";

    private final Instant expiresAt;
    private final String clientId;
    private final String username;
    private final MqttVersion version;
    private final long clientMaximumPacketSize;
    private final Clock clock;
    private ScheduledFuture<?> timer;
    private boolean connAckSent;
    private boolean expired;
    private boolean closing;

    CredentialExpiryHandler(Instant expiresAt, String clientId, String username, MqttVersion version,
                            long clientMaximumPacketSize, Clock clock) {
        this.expiresAt = expiresAt;
        this.clientId = clientId;
        this.username = username;
        this.version = version;
        this.clientMaximumPacketSize = clientMaximumPacketSize;
        this.clock = clock;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long delayMillis = Math.max(0, Duration.between(clock.instant(), expiresAt).toMillis());
        timer = ctx.executor().schedule(() -> onExpiry(ctx), delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        boolean isConnAck = message instanceof ConnAck;
        ctx.write(message, promise);
        if (isConnAck && !connAckSent) {
            connAckSent = true;
            if (expired) {
                ctx.executor().execute(() -> disconnect(ctx)); // after the CONNACK, never before it
            }
        }
    }

    private void onExpiry(ChannelHandlerContext ctx) {
        expired = true;
        if (connAckSent) {
            disconnect(ctx);
        }
    }

    private void disconnect(ChannelHandlerContext ctx) {
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        closing = true;
        LOG.info("Credentials of client '{}'{} expired at {}: closing its connection", clientId,
                username == null ? "" : " (user '" + username + "')", expiresAt);
        if (version != MqttVersion.MQTT_5) {
            ctx.flush();
            ctx.close();
            return;
        }
        MqttPacket disconnect = PacketSizeLimit.fit(new Disconnect(ReasonCode.NOT_AUTHORIZED,
                MqttProperties.builder().reasonString(REASON).build()), version, clientMaximumPacketSize);
        if (disconnect == null) {
            ctx.close();
            return;
        }
        ctx.writeAndFlush(disconnect).addListener(ChannelFutureListener.CLOSE);
    }
}
