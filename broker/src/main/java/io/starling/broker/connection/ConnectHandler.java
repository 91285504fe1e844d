package io.starling.broker.connection;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.starling.broker.BrokerContext;
import io.starling.broker.config.ConnectionConfig;
import io.starling.broker.config.FeatureConfig;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.listener.ListenerAttributes;
import io.starling.broker.listener.PipelineNames;
import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationResult;
import io.starling.broker.spi.AuthenticationStep;
import io.starling.broker.spi.EnhancedAuthenticator;
import io.starling.broker.spi.ClientInfo;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.netty.DecodeFailure;
import io.starling.codec.packet.Auth;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Disconnect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.Connect;
import io.starling.codec.property.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The first stage of every connection, on the channel's event loop: accepts exactly one CONNECT as the first
 * packet ([MQTT-3.1.0-1]), applies the client identifier rules, checks the will against the server's features,
 * asks the {@link io.starling.broker.spi.Authenticator}, and on success hands the connection over to an
 * {@link MqttConnection} bound to the executor of the client's session. A refused CONNECT gets a CONNACK with the
 * reason and the connection is closed ([MQTT-3.2.2-6]), with no effect on any session.
 *
 * <p>A MQTT 5 CONNECT that names an Authentication Method runs an enhanced authentication exchange here
 * ([MQTT-4.12]): AUTH 0x18 challenges and answers until the mechanism accepts (CONNACK 0x00 with the method) or
 * refuses. An unknown method gets CONNACK 0x8C Bad authentication method ([MQTT-4.12.0-1]); any packet but AUTH
 * during the exchange is a Protocol Error ([MQTT-4.12.0-?]).
 *
 * <p>Security around authentication:
 * <ul>
 *   <li>The client's address given to the back-ends (and in {@link ClientInfo}) is
 *       {@link ListenerAttributes#clientAddress}: the one a PROXY protocol header reported, else the peer's.</li>
 *   <li>On a listener that takes the user name from the TLS client certificate
 *       ({@link ListenerAttributes#CERTIFICATE_IDENTITY} set), the user name and password of CONNECT are discarded,
 *       as Mosquitto's {@code use_identity_as_username} does: the request carries the certificate identity as both
 *       user name and {@code certificateIdentity}, and no password.</li>
 *   <li>A refusal by authentication is counted per address by the {@link FailedLoginDelay}; from the second one in
 *       a row its CONNACK is held back, scheduled on the event loop (nothing blocks, and nothing more is read from
 *       the connection meanwhile). A refusal with 0x89 Server busy is never delayed: holding sockets longer would
 *       add to the overload.</li>
 *   <li>Credentials that expire ({@link AuthenticationResult.Accepted#expiresAt()}) get a
 *       {@link CredentialExpiryHandler} that ends the connection at that instant.</li>
 * </ul>
 */
public final class ConnectHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectHandler.class);
    /** MQTT 3.1 limits client identifiers to 23 characters. */
    private static final int V31_MAX_CLIENT_ID_LENGTH = 23;

    private final BrokerContext context;
    private final ListenerConfig listener;
    private boolean connectReceived;
    /** The client's Maximum Packet Size from CONNECT, which refusals must respect too. */
    private long clientMaximumPacketSize = Long.MAX_VALUE;
    /** The enhanced authentication in progress, or null. */
    private EnhancedAuthenticator.Exchange exchange;
    private String exchangeMethod;
    private Connect pendingConnect;
    private String pendingClientId;
    private boolean pendingAssigned;
    /** Packets that arrive while authentication is pending; replayed in order after the hand-over. */
    private final List<Object> pending = new ArrayList<>();

    public ConnectHandler(BrokerContext context, ListenerConfig listener) {
        this.context = context;
        this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (exchange != null) {
            onMessageDuringExchange(ctx, message);
            return;
        }
        if (connectReceived) {
            pending.add(message);
            return;
        }
        if (message instanceof Connect connect) {
            connectReceived = true;
            onConnect(ctx, connect);
        } else if (message instanceof DecodeFailure failure) {
            onDecodeFailure(ctx, failure);
        } else {
            // [MQTT-3.1.0-1]: the first packet must be CONNECT.
            LOG.debug("Closing {}: first packet was not CONNECT", ctx.channel().remoteAddress());
            ReferenceCountUtil.release(message);
            context.metrics().protocolViolation();
            ctx.close();
        }
    }

    private void onDecodeFailure(ChannelHandlerContext ctx, DecodeFailure failure) {
        context.metrics().protocolViolation();
        LOG.info("Closing {} before CONNECT: {} ({})", ctx.channel().remoteAddress(), failure.message(),
                failure.reasonCode());
        if (failure.reasonCode() == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION) {
            // [MQTT-3.1.2-2] (3.1.1: return code 0x01): answered in the 3.1.1 format every version can read.
            refuse(ctx, MqttVersion.MQTT_3_1_1, ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, failure.message());
        } else {
            ctx.close();
        }
    }

    private void onConnect(ChannelHandlerContext ctx, Connect connect) {
        MqttVersion version = connect.version();
        Long maximumPacketSize = connect.properties().maximumPacketSize();
        if (version == MqttVersion.MQTT_5 && maximumPacketSize != null) {
            clientMaximumPacketSize = maximumPacketSize;
        }
        String serverReference = context.config().connection().serverReference();
        if (!serverReference.isEmpty()) {
            redirect(ctx, connect, serverReference);
            return;
        }
        ReasonCode problem = validate(connect);
        if (problem != null) {
            context.metrics().connectionRefused();
            LOG.info("Refused CONNECT from {} (client id '{}', {}): {}", ctx.channel().remoteAddress(),
                    connect.clientId(), version, problem);
            if (problem == ReasonCode.TOPIC_NAME_INVALID && version != MqttVersion.MQTT_5) {
                // 3.1.1 [MQTT-3.2.2-6]: no 3.x return code fits, so the connection is closed without CONNACK.
                ctx.close();
                return;
            }
            refuse(ctx, version, problem, null);
            return;
        }
        ctx.channel().config().setAutoRead(false); // nothing more until authentication answers
        String clientId = connect.clientId();
        boolean assigned = false;
        if (clientId.isEmpty()) {
            do {
                clientId = "auto-" + UUID.randomUUID(); // [MQTT-3.1.3-6], [MQTT-3.2.2-16]: unique on this server
            } while (context.sessions().get(clientId) != null);
            assigned = true;
        }
        String finalClientId = clientId;
        boolean finalAssigned = assigned;
        AuthenticationRequest request = authenticationRequest(ctx, connect, clientId);
        String method = connect.properties().authenticationMethod();
        if (version == MqttVersion.MQTT_5 && method != null) {
            startExchange(ctx, connect, finalClientId, finalAssigned, request, method);
            return;
        }
        context.authenticator().authenticate(request).whenComplete((result, error) ->
                ctx.executor().execute(() -> onAuthenticated(ctx, connect, finalClientId, finalAssigned, result, error)));
    }

    /**
     * What the back-ends see. With a certificate identity, it replaces the user name and the password is dropped
     * (Mosquitto's {@code use_identity_as_username}): the verified certificate is the credential.
     */
    private AuthenticationRequest authenticationRequest(ChannelHandlerContext ctx, Connect connect, String clientId) {
        String identity = ctx.channel().attr(ListenerAttributes.CERTIFICATE_IDENTITY).get();
        if (identity != null) {
            return new AuthenticationRequest(clientId, identity, null, connect.version(), clientAddress(ctx),
                    listener.name(), identity);
        }
        return new AuthenticationRequest(clientId, connect.username(),
                connect.password() == null ? null : connect.password().clone(), connect.version(),
                clientAddress(ctx), listener.name());
    }

    private static SocketAddress clientAddress(ChannelHandlerContext ctx) {
        return ListenerAttributes.clientAddress(ctx.channel());
    }

    // ---- enhanced authentication ----------------------------------------------------------------------------

    private void startExchange(ChannelHandlerContext ctx, Connect connect, String clientId, boolean assigned,
                               AuthenticationRequest request, String method) {
        pendingConnect = connect;
        pendingClientId = clientId;
        pendingAssigned = assigned;
        exchangeMethod = method;
        exchange = context.enhancedAuthenticators().get(method).start(request, false);
        ctx.channel().config().setAutoRead(true); // AUTH packets must flow during the exchange
        advance(ctx, connect.properties().authenticationData());
    }

    private void advance(ChannelHandlerContext ctx, byte[] clientData) {
        EnhancedAuthenticator.Exchange current = exchange;
        ctx.channel().config().setAutoRead(false); // one step at a time
        current.onClientData(clientData).whenComplete((step, error) ->
                ctx.executor().execute(() -> onStep(ctx, step, error)));
    }

    private void onStep(ChannelHandlerContext ctx, AuthenticationStep step, Throwable error) {
        if (!ctx.channel().isActive() || exchange == null) {
            return;
        }
        MqttVersion version = MqttVersion.MQTT_5;
        if (error != null) {
            LOG.warn("Enhanced authentication ({}) of client '{}' failed with an error", exchangeMethod, pendingClientId,
                    error);
            endExchange();
            refuseAuthentication(ctx, version, ReasonCode.UNSPECIFIED_ERROR, null);
        } else if (step instanceof AuthenticationStep.Continue next) {
            MqttPacket challenge = PacketSizeLimit.fit(new Auth(ReasonCode.CONTINUE_AUTHENTICATION,
                    MqttProperties.builder().authenticationMethod(exchangeMethod).authenticationData(next.data())
                            .build()), version, clientMaximumPacketSize);
            if (challenge == null) {
                LOG.info("Closing {}: the authentication challenge exceeds the client's Maximum Packet Size",
                        ctx.channel().remoteAddress());
                endExchange();
                ctx.close();
                return;
            }
            ctx.writeAndFlush(challenge);
            ctx.channel().config().setAutoRead(true);
        } else if (step instanceof AuthenticationStep.Failure failure) {
            LOG.info("Enhanced authentication ({}) refused for client '{}' from {}: {}", exchangeMethod,
                    pendingClientId, clientAddress(ctx), failure.reason());
            endExchange();
            refuseAuthentication(ctx, version, failure.reasonCode(), failure.reason());
        } else if (step instanceof AuthenticationStep.Success success) {
            String method = exchangeMethod;
            Connect connect = pendingConnect;
            endExchange();
            connectReceived = true;
            handOver(ctx, connect, pendingClientId, pendingAssigned,
                    new AuthenticationResult.Accepted(success.username()), method, success.data());
        }
    }

    private void onMessageDuringExchange(ChannelHandlerContext ctx, Object message) {
        if (message instanceof Auth auth && auth.reasonCode() == ReasonCode.CONTINUE_AUTHENTICATION
                && exchangeMethod.equals(auth.properties().authenticationMethod())) {
            advance(ctx, auth.properties().authenticationData());
            return;
        }
        // [MQTT-4.12.0-?]: only AUTH with the same method may come before CONNACK; DISCONNECT just ends it.
        ReferenceCountUtil.release(message);
        endExchange();
        if (message instanceof Disconnect) {
            ctx.close();
            return;
        }
        context.metrics().protocolViolation();
        refuse(ctx, MqttVersion.MQTT_5, ReasonCode.PROTOCOL_ERROR, "only AUTH may be sent during authentication");
    }

    private void endExchange() {
        exchange = null;
        pendingConnect = null;
    }

    /** The reason a CONNECT is refused before authentication, or null when it may proceed. */
    private ReasonCode validate(Connect connect) {
        MqttVersion version = connect.version();
        String clientId = connect.clientId();
        if (version == MqttVersion.MQTT_3_1 && (clientId.isEmpty() || clientId.length() > V31_MAX_CLIENT_ID_LENGTH)) {
            return ReasonCode.CLIENT_IDENTIFIER_NOT_VALID; // 3.1: 1 to 23 characters
        }
        if (clientId.isEmpty() && !connect.cleanStart() && version == MqttVersion.MQTT_3_1_1) {
            return ReasonCode.CLIENT_IDENTIFIER_NOT_VALID; // [MQTT-3.1.3-8]: return code 0x02
        }
        String method = connect.properties().authenticationMethod();
        if (version == MqttVersion.MQTT_5 && method != null && !context.enhancedAuthenticators().containsKey(method)) {
            return ReasonCode.BAD_AUTHENTICATION_METHOD; // no mechanism for this method
        }
        FeatureConfig features = context.config().features();
        if (connect.will() != null) {
            if (connect.will().qos().value() > features.maximumQos()) {
                return ReasonCode.QOS_NOT_SUPPORTED; // [MQTT-3.2.2-12]
            }
            if (connect.will().retain() && !features.retainAvailable()) {
                return ReasonCode.RETAIN_NOT_SUPPORTED; // [MQTT-3.2.2-13]
            }
            String topicProblem = TopicLimits.of(context.config().connection()).nameProblem(connect.will().topic());
            if (topicProblem != null) {
                context.metrics().topicOverLimit();
                LOG.info("Will topic of client '{}' refused: {}", connect.clientId(), topicProblem);
                return ReasonCode.TOPIC_NAME_INVALID; // 5.0 section 3.2.2.2: a Will Topic not accepted, 0x90
            }
        }
        return null;
    }

    private void onAuthenticated(ChannelHandlerContext ctx, Connect connect, String clientId, boolean assigned,
                                 AuthenticationResult result, Throwable error) {
        if (!ctx.channel().isActive()) {
            releasePending();
            return;
        }
        if (error != null || result == null) {
            LOG.warn("Authentication of client '{}' from {} failed with an error", clientId, clientAddress(ctx), error);
            refuseAuthentication(ctx, connect.version(), ReasonCode.UNSPECIFIED_ERROR, null);
            return;
        }
        if (result instanceof AuthenticationResult.Refused refused) {
            LOG.info("Authentication refused for client '{}' (user '{}') from {}: {}", clientId, connect.username(),
                    clientAddress(ctx), refused.reason());
            refuseAuthentication(ctx, connect.version(), refused.reasonCode(), null);
            return;
        }
        handOver(ctx, connect, clientId, assigned, (AuthenticationResult.Accepted) result, null, null);
    }

    /**
     * A refusal by authentication: counted for the client's address, and sent after the delay the
     * {@link FailedLoginDelay} asks for (scheduled on the event loop). The connect timeout is removed meanwhile: the
     * schedule itself closes the connection, and within the configured maximum.
     */
    private void refuseAuthentication(ChannelHandlerContext ctx, MqttVersion version, ReasonCode reason,
                                      String reasonString) {
        context.metrics().connectionRefused();
        if (reason == ReasonCode.SERVER_BUSY) {
            refuse(ctx, version, reason, reasonString);
            return;
        }
        context.metrics().authenticationFailed();
        FailedLoginDelay failedLogins = context.failedLogins();
        long delayMillis = failedLogins == null ? 0 : failedLogins.recordFailure(clientAddress(ctx));
        if (delayMillis <= 0) {
            refuse(ctx, version, reason, reasonString);
            return;
        }
        context.metrics().refusalDelayed();
        LOG.debug("Refusal of {} held back {} ms after repeated authentication failures", clientAddress(ctx),
                delayMillis);
        if (ctx.pipeline().get(PipelineNames.CONNECT_TIMEOUT) != null) {
            ctx.pipeline().remove(PipelineNames.CONNECT_TIMEOUT);
        }
        ctx.executor().schedule(() -> {
            if (ctx.channel().isActive()) {
                refuse(ctx, version, reason, reasonString);
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void handOver(ChannelHandlerContext ctx, Connect connect, String clientId, boolean assigned,
                          AuthenticationResult.Accepted authenticated, String authenticationMethod,
                          byte[] authenticationData) {
        String username = authenticated.username();
        ConnectionConfig limits = context.config().connection();
        int keepAlive = connect.keepAliveSeconds();
        boolean keepAliveChanged = false;
        long maximumKeepAlive = limits.maximumKeepAlive().toSeconds();
        if (connect.version() == MqttVersion.MQTT_5 && maximumKeepAlive > 0
                && (keepAlive == 0 || keepAlive > maximumKeepAlive)) {
            keepAlive = (int) maximumKeepAlive; // [MQTT-3.2.2-21]: the client must use the Server Keep Alive
            keepAliveChanged = true;
        }
        ClientInfo client = new ClientInfo(clientId, username, connect.version(), clientAddress(ctx),
                listener.name(), authenticated.attributes());
        AcceptedConnect accepted = new AcceptedConnect(connect, client, clientId, assigned, keepAlive, keepAliveChanged,
                authenticationMethod, authenticationData);

        var pipeline = ctx.pipeline();
        pipeline.remove(PipelineNames.CONNECT_TIMEOUT);
        if (keepAlive > 0) {
            // [MQTT-3.1.2-24]: one and a half times the keep alive without a packet from the client closes it.
            long idleMillis = (long) Math.ceil(keepAlive * 1000L * limits.keepAliveGraceFactor());
            pipeline.addBefore(PipelineNames.CONNECT_HANDLER, PipelineNames.KEEP_ALIVE,
                    new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
        }
        Instant expiresAt = authenticated.expiresAt();
        if (expiresAt != null) {
            pipeline.addBefore(PipelineNames.CONNECT_HANDLER, CredentialExpiryHandler.NAME,
                    new CredentialExpiryHandler(expiresAt, clientId, username, connect.version(),
                            clientMaximumPacketSize, Clock.systemUTC()));
        }
        // Before the connection handler, after the keep-alive watchdog (whose timeouts it holds back while it
        // keeps the client waiting).
        InboundRateLimiter.install(pipeline, limits, clientId, client.remoteAddress(), context.metrics());
        EventExecutor sessionExecutor = context.sessions().executorFor(clientId);
        pipeline.addAfter(sessionExecutor, PipelineNames.CONNECT_HANDLER, PipelineNames.CONNECTION,
                new MqttConnection(context));
        ctx.fireChannelRead(accepted);
        for (Object message : pending) {
            ctx.fireChannelRead(message);
        }
        pending.clear();
        pipeline.remove(this);
        ctx.channel().config().setAutoRead(true);
    }

    /**
     * Server redirection ([MQTT-4.11], 5.0 section 4.11): MQTT 5 clients are sent elsewhere with CONNACK 0x9C Use
     * another server or 0x9D Server moved and a Server Reference; 3.x clients cannot be told where, so they are
     * refused with Server unavailable.
     */
    private void redirect(ChannelHandlerContext ctx, Connect connect, String serverReference) {
        context.metrics().connectionRefused();
        MqttVersion version = connect.version();
        LOG.info("Redirected client '{}' from {} to {}", connect.clientId(), ctx.channel().remoteAddress(),
                serverReference);
        ctx.channel().attr(io.starling.codec.netty.MqttChannelAttributes.VERSION).set(version);
        if (version != MqttVersion.MQTT_5) {
            writeConnAckAndClose(ctx, version, new ConnAck(false, ReasonCode.SERVER_UNAVAILABLE, MqttProperties.EMPTY));
            return;
        }
        ReasonCode reason = context.config().connection().serverMoved() ? ReasonCode.SERVER_MOVED
                : ReasonCode.USE_ANOTHER_SERVER;
        writeConnAckAndClose(ctx, version,
                new ConnAck(false, reason, MqttProperties.builder().serverReference(serverReference).build()));
    }

    private void refuse(ChannelHandlerContext ctx, MqttVersion version, ReasonCode reason, String reasonString) {
        ctx.channel().attr(io.starling.codec.netty.MqttChannelAttributes.VERSION).set(version);
        MqttProperties properties = MqttProperties.EMPTY;
        if (version == MqttVersion.MQTT_5 && reasonString != null) {
            properties = MqttProperties.builder().reasonString(reasonString).build();
        }
        releasePending();
        writeConnAckAndClose(ctx, version, new ConnAck(false, reason, properties));
    }

    /** A refusing CONNACK within the client's Maximum Packet Size ([MQTT-3.2.2-19]), then the close. */
    private void writeConnAckAndClose(ChannelHandlerContext ctx, MqttVersion version, ConnAck connAck) {
        MqttPacket fitting = PacketSizeLimit.fit(connAck, version, clientMaximumPacketSize);
        if (fitting == null) {
            ctx.close();
            return;
        }
        ctx.writeAndFlush(fitting).addListener(ChannelFutureListener.CLOSE);
    }

    private void releasePending() {
        for (Object message : pending) {
            ReferenceCountUtil.release(message);
        }
        pending.clear();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePending();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Closing {} after an error before CONNECT completed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
