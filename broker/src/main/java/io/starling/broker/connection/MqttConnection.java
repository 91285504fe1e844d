package io.starling.broker.connection;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.starling.broker.BrokerContext;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.SessionConfig;
import io.starling.broker.persistence.Persistence;
import io.starling.broker.routing.ApplicationMessage;
import io.starling.broker.routing.RoutedMessage;
import io.starling.broker.session.OutboundChannel;
import io.starling.broker.session.Session;
import io.starling.broker.session.SessionSubscription;
import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationStep;
import io.starling.broker.spi.ClientInfo;
import io.starling.broker.spi.EnhancedAuthenticator;
import io.starling.broker.storage.StoreOperation;
import io.starling.codec.MqttPacketEncoder;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.ReasonCode;
import io.starling.codec.SharedFilter;
import io.starling.codec.Topics;
import io.starling.codec.netty.DecodeFailure;
import io.starling.codec.packet.Auth;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.Disconnect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PingResp;
import io.starling.codec.packet.PubAck;
import io.starling.codec.packet.PubComp;
import io.starling.codec.packet.PubRec;
import io.starling.codec.packet.PubRel;
import io.starling.codec.packet.Publish;
import io.starling.codec.packet.RetainHandling;
import io.starling.codec.packet.SubAck;
import io.starling.codec.packet.Subscribe;
import io.starling.codec.packet.SubscriptionOptions;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.packet.UnsubAck;
import io.starling.codec.packet.Unsubscribe;
import io.starling.codec.packet.Will;
import io.starling.codec.property.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One connected client, after CONNECT was accepted. Runs on the executor of the client's session (see
 * {@link io.starling.broker.session.SessionRegistry}), so it shares a thread with the session and with any other
 * connection that uses the same client identifier; every field is confined to that thread.
 *
 * <p>It attaches the session (taking it over from an older connection, [MQTT-3.1.4-3]), answers CONNACK, and then
 * turns each inbound packet into session and routing operations and each acknowledgement into its reply. It ends
 * in exactly one of two ways: gracefully (DISCONNECT 0x00: the will is discarded, [MQTT-3.1.2-10]) or not (network
 * failure, keep-alive expiry, protocol error, takeover, DISCONNECT 0x04: the will is published, [MQTT-3.1.2-8]).
 */
public final class MqttConnection extends ChannelInboundHandlerAdapter implements OutboundChannel {
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    private final BrokerContext context;
    private final BrokerConfig config;

    private ChannelHandlerContext ctx;
    private ClientInfo client;
    private MqttVersion version = MqttVersion.MQTT_3_1_1;
    private Session session;
    private Will will;
    private long sessionExpirySeconds;
    private boolean connectExpiryWasZero;
    private int clientReceiveMaximum = 65535;
    private long clientMaximumPacketSize = Long.MAX_VALUE;
    private boolean problemInformationAllowed = true;
    private String[] inboundTopicAliases;
    /** Outbound aliases in use towards this client ([MQTT-3.3.2-?] 5.0 section 3.3.2.3.4), or null when off. */
    private Map<String, Integer> outboundTopicAliases;
    private int outboundTopicAliasLimit;
    /** True once the session is let go (closed, taken over): later events of this channel change nothing. */
    private boolean released;
    private String closeReason = "connection lost";
    private boolean flushScheduled;
    /** The enhanced authentication method of CONNECT, or null; re-authentication must use the same one. */
    private String authenticationMethod;
    /** A re-authentication in progress ([MQTT-4.12.1]), or null. */
    private EnhancedAuthenticator.Exchange reauthentication;
    /** Replies that wait for the store, kept in the order of the packets they answer. */
    private StoreOrderedReplies replies;
    /** connection.maximum-topic-length and connection.maximum-topic-levels. */
    private final TopicLimits topicLimits;

    MqttConnection(BrokerContext context) {
        this.context = context;
        this.config = context.config();
        this.topicLimits = TopicLimits.of(config.connection());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.replies = new StoreOrderedReplies(ctx.executor(), context.router().persistence());
    }

    // ---- OutboundChannel ------------------------------------------------------------------------------------

    @Override
    public MqttVersion version() {
        return version;
    }

    @Override
    public int receiveMaximum() {
        return clientReceiveMaximum;
    }

    @Override
    public long maximumPacketSize() {
        return clientMaximumPacketSize;
    }

    @Override
    public int encodedSize(Publish publish) {
        Publish asSent = publish;
        if (outboundTopicAliases != null) {
            Integer alias = outboundTopicAliases.get(publish.topic());
            if (alias != null || outboundTopicAliases.size() < outboundTopicAliasLimit) {
                int aliasValue = alias != null ? alias : outboundTopicAliases.size() + 1;
                asSent = new Publish(alias != null ? "" : publish.topic(), publish.qos(), publish.retainFlag(),
                        publish.dup(), publish.packetId(),
                        publish.properties().toBuilder().topicAlias(aliasValue).build(), publish.payload());
            }
        }
        return MqttPacketEncoder.encodedSize(asSent, version);
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && session != null && !released) {
            session.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void send(MqttPacket packet) {
        if (outboundTopicAliases != null && packet instanceof Publish publish) {
            packet = withOutboundAlias(publish);
        } else if (!(packet instanceof Publish)) {
            MqttPacket fitting = PacketSizeLimit.fit(packet, version, clientMaximumPacketSize);
            if (fitting == null) {
                // Even its shortest form exceeds the client's limit: the client cannot be answered at all.
                LOG.info("Closing connection of {}: a {} does not fit its Maximum Packet Size of {} bytes",
                        client == null ? ctx.channel().remoteAddress() : client.clientId(), packet.type(),
                        clientMaximumPacketSize);
                connectionLost(false);
                ctx.close();
                return;
            }
            packet = fitting;
        }
        ctx.write(packet, ctx.voidPromise());
        if (!flushScheduled) {
            // One flush after everything this loop turn writes: acks and fan-out leave together.
            flushScheduled = true;
            ctx.executor().execute(this::flush);
        }
    }

    /**
     * Replaces a topic the client has already seen with its alias: the first PUBLISH on a topic carries the topic
     * and a new alias, later ones an empty topic and the alias. Aliases are handed out until the limit; topics after
     * that travel in full (no eviction, so an alias never changes meaning mid-stream).
     */
    private Publish withOutboundAlias(Publish publish) {
        String topic = publish.topic();
        Integer alias = outboundTopicAliases.get(topic);
        if (alias != null) {
            return new Publish("", publish.qos(), publish.retainFlag(), publish.dup(), publish.packetId(),
                    publish.properties().toBuilder().topicAlias(alias).build(), publish.payload());
        }
        if (outboundTopicAliases.size() < outboundTopicAliasLimit) {
            int newAlias = outboundTopicAliases.size() + 1;
            outboundTopicAliases.put(topic, newAlias);
            return new Publish(topic, publish.qos(), publish.retainFlag(), publish.dup(), publish.packetId(),
                    publish.properties().toBuilder().topicAlias(newAlias).build(), publish.payload());
        }
        return publish;
    }

    @Override
    public void queueOverflow() {
        // Later, not now: the session is in the middle of a delivery.
        ctx.executor().execute(() -> disconnect(ReasonCode.QUOTA_EXCEEDED, "message queue full"));
    }

    private void flush() {
        flushScheduled = false;
        ctx.flush();
    }

    // ---- inbound --------------------------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (released) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof AcceptedConnect accepted) {
            onConnect(accepted);
        } else if (message instanceof DecodeFailure failure) {
            onDecodeFailure(failure);
        } else if (message instanceof MqttPacket packet) {
            onPacket(packet);
        } else {
            ReferenceCountUtil.release(message);
        }
    }

    /** Dispatches on the packet type (Java 17: no pattern switch yet, so a switch on the type enum). */
    private void onPacket(MqttPacket packet) {
        switch (packet.type()) {
            case PUBLISH -> onPublish((Publish) packet);
            case PUBACK -> session.onPubAck(((PubAck) packet).packetId());
            case PUBREC -> onPubRec((PubRec) packet);
            case PUBREL -> onPubRel((PubRel) packet);
            case PUBCOMP -> session.onPubComp(((PubComp) packet).packetId());
            case SUBSCRIBE -> onSubscribe((Subscribe) packet);
            case UNSUBSCRIBE -> onUnsubscribe((Unsubscribe) packet);
            case PINGREQ -> send(PingResp.INSTANCE); // [MQTT-3.12.4-1]
            case DISCONNECT -> onDisconnect((Disconnect) packet);
            case CONNECT -> protocolError("second CONNECT"); // [MQTT-3.1.0-2]
            case AUTH -> onAuth((Auth) packet);
            case CONNACK, SUBACK, UNSUBACK, PINGRESP -> protocolError(packet.type() + " sent to the server");
        }
    }

    // ---- CONNECT --------------------------------------------------------------------------------------------

    private void onConnect(AcceptedConnect accepted) {
        Connect connect = accepted.connect();
        this.client = accepted.client();
        this.version = connect.version();
        this.will = connect.will();
        this.authenticationMethod = accepted.authenticationMethod();
        MqttProperties properties = connect.properties();
        if (version == MqttVersion.MQTT_5) {
            if (properties.receiveMaximum() != null) {
                clientReceiveMaximum = properties.receiveMaximum();
            }
            if (properties.maximumPacketSize() != null) {
                clientMaximumPacketSize = properties.maximumPacketSize();
            }
            Integer requestProblem = properties.requestProblemInformation();
            problemInformationAllowed = requestProblem == null || requestProblem != 0; // [MQTT-3.1.2-29]
            inboundTopicAliases = new String[config.connection().topicAliasMaximum() + 1];
            Integer clientAliasMaximum = properties.topicAliasMaximum();
            outboundTopicAliasLimit = Math.min(config.connection().outboundTopicAliasMaximum(),
                    clientAliasMaximum == null ? 0 : clientAliasMaximum); // [MQTT-3.3.2-?] never above the client's
            if (outboundTopicAliasLimit > 0) {
                outboundTopicAliases = new HashMap<>();
            }
        }
        long requestedExpiry = requestedSessionExpiry(connect);
        connectExpiryWasZero = requestedExpiry == 0;
        long maximumExpiry = config.session().maximumSessionExpiry().toSeconds();
        sessionExpirySeconds = Math.min(requestedExpiry, maximumExpiry);

        takeOverExistingConnection(accepted.clientId());
        Session existing = context.sessions().get(accepted.clientId());
        boolean sessionPresent;
        if (existing != null && connect.cleanStart()) {
            endSession(existing); // [MQTT-3.1.2-4]: Clean Start discards any existing session
            existing = null;
        }
        if (existing == null) {
            session = context.sessions().create(accepted.clientId());
            sessionPresent = false;
        } else {
            session = existing;
            sessionPresent = true; // [MQTT-3.2.2-2]
        }
        session.expiryIntervalSeconds(sessionExpirySeconds);
        send(new ConnAck(sessionPresent, ReasonCode.SUCCESS, connAckProperties(accepted, requestedExpiry)));
        session.attach(this);
        if (sessionExpirySeconds > 0 || session.isStored()) {
            // A persistent session is stored from its first connection on, and its record follows every change
            // (expiry, connection state): writes of this thread reach the store in order, so everything the
            // client does next is stored after it.
            session.store();
        }
        LOG.info("Client connected: id={} address={} version={} cleanStart={} keepAlive={}s sessionPresent={}{}",
                client.clientId(), client.remoteAddress(), version, connect.cleanStart(),
                accepted.keepAliveSeconds(), sessionPresent, client.username() == null ? "" : " user=" + client.username());
    }

    private long requestedSessionExpiry(Connect connect) {
        if (connect.version() == MqttVersion.MQTT_5) {
            Long expiry = connect.properties().sessionExpiryInterval();
            return expiry == null ? 0 : expiry; // [MQTT-3.1.2-?] absent means 0
        }
        if (connect.cleanStart()) {
            return 0; // 3.x Clean Session 1: the session ends with the connection ([MQTT-3.1.2-6] 3.1.1)
        }
        long configured = config.session().persistentSessionExpiry().toSeconds();
        return configured == 0 ? SessionConfig.NEVER_EXPIRES : configured;
    }

    private void takeOverExistingConnection(String clientId) {
        Session existing = context.sessions().get(clientId);
        if (existing != null && existing.isOnline() && existing.attachedChannel() instanceof MqttConnection previous
                && previous != this) {
            previous.closeForTakeover();
        }
    }

    /** [MQTT-3.1.4-3]: a newer connection with the same client identifier closes this one (v5: DISCONNECT 0x8E). */
    void closeForTakeover() {
        closeReason = "session taken over";
        if (version == MqttVersion.MQTT_5) {
            send(new Disconnect(ReasonCode.SESSION_TAKEN_OVER, MqttProperties.EMPTY));
        }
        connectionLost(false);
        ctx.flush();
        ctx.close();
    }

    private MqttProperties connAckProperties(AcceptedConnect accepted, long requestedExpiry) {
        if (version != MqttVersion.MQTT_5) {
            return MqttProperties.EMPTY;
        }
        var features = config.features();
        var limits = config.connection();
        MqttProperties.Builder builder = MqttProperties.builder()
                .receiveMaximum(limits.receiveMaximum())
                .maximumPacketSize((long) limits.maximumPacketSize())
                .topicAliasMaximum(limits.topicAliasMaximum())
;
        // Absent means available ([MQTT-3.2.2-?] 5.0 section 3.2.2.3): only what is switched off is said, which
        // keeps CONNACK short for clients with a small Maximum Packet Size.
        if (!features.retainAvailable()) {
            builder.retainAvailable(0);
        }
        if (!features.wildcardSubscriptionsAvailable()) {
            builder.wildcardSubscriptionAvailable(0);
        }
        if (!features.subscriptionIdentifiersAvailable()) {
            builder.subscriptionIdentifierAvailable(0);
        }
        if (!features.sharedSubscriptionsAvailable()) {
            builder.sharedSubscriptionAvailable(0);
        }
        if (features.maximumQos() < 2) {
            builder.maximumQos(features.maximumQos()); // [MQTT-3.2.2-9]: only sent when below 2
        }
        if (accepted.assignedClientId()) {
            builder.assignedClientIdentifier(accepted.clientId()); // [MQTT-3.2.2-16]
        }
        if (sessionExpirySeconds != requestedExpiry) {
            builder.sessionExpiryInterval(sessionExpirySeconds); // the server's choice wins, and says so
        }
        Integer requestResponse = accepted.connect().properties().requestResponseInformation();
        String responseInformation = features.responseInformation();
        if (requestResponse != null && requestResponse == 1 && !responseInformation.isEmpty()) {
            // 5.0 section 4.10: the base of the client's response topics, only when it asks ([MQTT-3.1.2-28]).
            builder.responseInformation(responseInformation.replace("%c", accepted.clientId()));
        }
        if (accepted.authenticationMethod() != null) {
            builder.authenticationMethod(accepted.authenticationMethod()); // [MQTT-3.2.2-?] same method as CONNECT
            builder.authenticationData(accepted.authenticationData());
        }
        if (accepted.serverKeepAliveChanged()) {
            builder.serverKeepAlive(accepted.keepAliveSeconds()); // [MQTT-3.2.2-21]
        }
        return builder.build();
    }

    // ---- PUBLISH from the client ----------------------------------------------------------------------------

    private void onPublish(Publish publish) {
        if (!publish.properties().subscriptionIdentifiers().isEmpty()) {
            publish.release();
            protocolError("Subscription Identifier in a PUBLISH sent to the server"); // [MQTT-3.3.4-6]
            return;
        }
        String topic = resolveTopic(publish);
        if (topic == null) {
            return;
        }
        String topicProblem = topicLimits.nameProblem(topic);
        if (topicProblem != null) {
            refuseTopicOverLimit(publish, topicProblem);
            return;
        }
        if (publish.qos().value() > config.features().maximumQos()) {
            publish.release();
            disconnect(ReasonCode.QOS_NOT_SUPPORTED, "QoS " + publish.qos().value() + " is not supported"); // [MQTT-3.2.2-11]
            return;
        }
        if (publish.retainFlag() && !config.features().retainAvailable()) {
            publish.release();
            disconnect(ReasonCode.RETAIN_NOT_SUPPORTED, "retained messages are not supported"); // [MQTT-3.2.2-14]
            return;
        }
        routeInbound(publish, topic);
    }

    /** Applies an inbound Topic Alias ([MQTT-3.3.2-12]..); returns null (and has released the packet) on error. */
    private String resolveTopic(Publish publish) {
        Integer alias = publish.properties().topicAlias();
        if (alias == null) {
            return publish.topic();
        }
        if (inboundTopicAliases == null || alias == 0 || alias >= inboundTopicAliases.length) {
            publish.release();
            disconnect(ReasonCode.TOPIC_ALIAS_INVALID, "topic alias " + alias + " is out of range"); // [MQTT-3.3.2-9], [MQTT-3.3.2-10]
            return null;
        }
        if (!publish.topic().isEmpty()) {
            inboundTopicAliases[alias] = publish.topic();
            return publish.topic();
        }
        String topic = inboundTopicAliases[alias];
        if (topic == null) {
            publish.release();
            disconnect(ReasonCode.PROTOCOL_ERROR, "topic alias " + alias + " is not set"); // [MQTT-3.3.2-?]
            return null;
        }
        return topic;
    }

    /**
     * A topic over connection.maximum-topic-length or -levels is well formed but not accepted: 0x90 Topic Name
     * invalid (5.0 sections 3.4.2.1, 3.5.2.1, 3.14.2.1). MQTT 5 QoS 1 and 2 get it in PUBACK / PUBREC and stay
     * connected, an acknowledgement's error concerning that packet only (5.0 section 4.13.2); QoS 0 has no
     * acknowledgement, so DISCONNECT 0x90 ([MQTT-4.13.2-1]). MQTT 3.x can say neither: the connection is closed.
     */
    private void refuseTopicOverLimit(Publish publish, String problem) {
        publish.release();
        context.metrics().topicOverLimit();
        if (version == MqttVersion.MQTT_5 && publish.qos() != QoS.AT_MOST_ONCE) {
            LOG.debug("PUBLISH of {} refused: {}", client.clientId(), problem);
            acknowledgeInOrder(publish.qos(), publish.packetId(), ReasonCode.TOPIC_NAME_INVALID);
            return;
        }
        disconnect(ReasonCode.TOPIC_NAME_INVALID, "PUBLISH " + problem);
    }

    private void routeInbound(Publish publish, String topic) {
        int packetId = publish.packetId();
        QoS qos = publish.qos();
        boolean allowed;
        try {
            allowed = context.authorizer().mayPublish(client, topic, qos, publish.retainFlag());
        } catch (RuntimeException e) {
            publish.release();
            throw e; // exceptionCaught closes the connection and publishes the will ([MQTT-4.8.0-2] 3.1.1)
        }
        if (!allowed) {
            publish.release();
            LOG.debug("Client {} may not publish to {}", client.clientId(), topic);
            context.metrics().publishNotAuthorized();
            if (version != MqttVersion.MQTT_5 && config.security().disconnectOnDeniedPublish()) {
                // 3.1.1 [MQTT-3.3.5-2]: a positive acknowledgement or the close; security.disconnect-on-denied-publish
                disconnect(ReasonCode.NOT_AUTHORIZED, "not authorized to publish to " + topic);
                return;
            }
            acknowledgeInOrder(qos, packetId, ReasonCode.NOT_AUTHORIZED);
            return;
        }
        boolean retain = publish.retainFlag();
        if (retain && exceedsRetainedLimit(topic, publish)) {
            if (version == MqttVersion.MQTT_5) {
                publish.release();
                acknowledgeInOrder(qos, packetId, ReasonCode.QUOTA_EXCEEDED); // the retained store is full
                return;
            }
            retain = false; // 3.x has no way to say so: the message is delivered but not kept
        }
        Integer payloadFormat = publish.properties().payloadFormatIndicator();
        if (payloadFormat != null && payloadFormat == 1
                && !ByteBufUtil.isText(publish.payload(), StandardCharsets.UTF_8)) {
            // [MQTT-3.3.2-?] 5.0 section 3.3.2.3.2: a receiver MAY check that a payload marked as UTF-8 is; Starling
            // does, and refuses it with 0x99 rather than pass malformed text on to every subscriber.
            publish.release();
            acknowledgeInOrder(qos, packetId, ReasonCode.PAYLOAD_FORMAT_INVALID);
            return;
        }
        if (qos == QoS.EXACTLY_ONCE) {
            if (!session.beginInboundQos2(packetId)) {
                // A retransmission before PUBREL: acknowledged again, delivered once ([MQTT-4.3.3-10]). In turn,
                // after the first one's store write, and only if that one was kept.
                publish.release();
                replies.inOrder(() -> send(session.isInboundQos2Pending(packetId) ? new PubRec(packetId)
                        : new PubRec(packetId, ReasonCode.UNSPECIFIED_ERROR, MqttProperties.EMPTY)));
                return;
            }
            if (session.inboundQos2Pending() > config.connection().receiveMaximum()) {
                publish.release();
                disconnect(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED, "more than Receive Maximum QoS 2 messages pending"); // [MQTT-3.3.4-9]
                return;
            }
        }
        context.metrics().messageReceived();
        RoutedMessage routed = context.router().route(toApplicationMessage(publish, topic, retain));
        List<StoreOperation> operations = routed.storeOperations();
        if (qos == QoS.EXACTLY_ONCE && session.isStored()) {
            operations = new ArrayList<>(operations);
            operations.add(new StoreOperation.PutInboundQos2(client.clientId(), packetId));
        }
        replies.after(operations, new PublishStored(routed, qos, packetId));
    }

    /**
     * What follows a PUBLISH's store write: the message goes to its subscribers and the publisher gets its PUBACK
     * or PUBREC - only now, so that an acknowledged message is on disk in {@code sync} mode. When the write failed
     * the message is dropped and the publisher is told: MQTT 5 by the reason code (0x97 when the disk is full,
     * else 0x80), MQTT 3 by closing the connection, as 3.x acknowledgements cannot refuse.
     */
    private final class PublishStored implements StoreOrderedReplies.Step {
        private final RoutedMessage routed;
        private final QoS qos;
        private final int packetId;

        PublishStored(RoutedMessage routed, QoS qos, int packetId) {
            this.routed = routed;
            this.qos = qos;
            this.packetId = packetId;
        }

        @Override
        public void stored() {
            routed.dispatch();
            acknowledge(qos, packetId, routed.receivers() == 0 ? ReasonCode.NO_MATCHING_SUBSCRIBERS : ReasonCode.SUCCESS);
        }

        @Override
        public void failed(Throwable error) {
            routed.discard();
            context.metrics().publishRefusedByStore();
            if (qos == QoS.EXACTLY_ONCE) {
                session.releaseInboundQos2(packetId);
            }
            if (qos == QoS.AT_MOST_ONCE) {
                return; // nobody to tell; the store logged the failure
            }
            if (version == MqttVersion.MQTT_5) {
                acknowledge(qos, packetId, Persistence.refusalReason(error));
            } else {
                disconnect(ReasonCode.UNSPECIFIED_ERROR, "the message could not be stored");
            }
        }

        @Override
        public void abandoned() {
            routed.discard();
        }
    }

    /** Whether storing this retained message would take the store past features.maximum-retained-messages. */
    private boolean exceedsRetainedLimit(String topic, Publish publish) {
        int limit = config.features().maximumRetainedMessages();
        var retained = context.router().retained();
        return limit > 0 && publish.payload().isReadable() && !retained.contains(topic) && retained.size() >= limit;
    }

    /** Acknowledges in turn: after the replies that wait for the store ([MQTT-4.6.0-2], [MQTT-4.6.0-3]). */
    private void acknowledgeInOrder(QoS qos, int packetId, ReasonCode reason) {
        if (qos != QoS.AT_MOST_ONCE) {
            replies.inOrder(() -> acknowledge(qos, packetId, reason));
        }
    }

    private void acknowledge(QoS qos, int packetId, ReasonCode reason) {
        boolean v5 = version == MqttVersion.MQTT_5;
        ReasonCode code = v5 ? reason : ReasonCode.SUCCESS;
        switch (qos) {
            case AT_MOST_ONCE -> { }
            case AT_LEAST_ONCE -> send(new PubAck(packetId, code, MqttProperties.EMPTY));
            case EXACTLY_ONCE -> {
                if (code.isError()) {
                    session.releaseInboundQos2(packetId); // a refused QoS 2 flow ends at PUBREC ([MQTT-4.3.3-?])
                }
                send(new PubRec(packetId, code, MqttProperties.EMPTY));
            }
        }
    }

    /** Keeps only what is forwarded to subscribers; the payload reference moves into the message. */
    private ApplicationMessage toApplicationMessage(Publish publish, String topic, boolean retain) {
        MqttProperties in = publish.properties();
        long expiresAt = 0;
        MqttProperties forwarded = MqttProperties.EMPTY;
        if (version == MqttVersion.MQTT_5 && !in.isEmpty()) {
            Long expiry = in.messageExpiryInterval();
            if (expiry != null) {
                expiresAt = System.currentTimeMillis() + expiry * 1000;
            }
            forwarded = in.toBuilder()
                    .topicAlias(null)                  // [MQTT-3.3.2-?]: aliases are per connection
                    .clearSubscriptionIdentifiers()    // set per subscriber on the way out
                    .messageExpiryInterval(null)       // sent on as the remaining time
                    .build();
        }
        return new ApplicationMessage(topic, publish.qos(), retain, forwarded, publish.payload(),
                expiresAt, client.clientId());
    }

    private void onPubRel(PubRel rel) {
        boolean known = session.releaseInboundQos2(rel.packetId());
        ReasonCode code = known || version != MqttVersion.MQTT_5 ? ReasonCode.SUCCESS : ReasonCode.PACKET_IDENTIFIER_NOT_FOUND;
        PubComp reply = new PubComp(rel.packetId(), code, MqttProperties.EMPTY); // [MQTT-4.3.3-11]
        // PUBCOMP once the release is stored: after a crash the identifier must not still look in use, or the
        // client's next message under it would be taken for a retransmission and lost.
        List<StoreOperation> operations = known && session.isStored()
                ? List.of(new StoreOperation.RemoveInboundQos2(client.clientId(), rel.packetId())) : List.of();
        replies.after(operations, sendEither(reply));
    }

    /** A step that sends its reply whether or not the write succeeded (the store has logged a failure). */
    private StoreOrderedReplies.Step sendEither(MqttPacket reply) {
        return new StoreOrderedReplies.Step() {
            @Override
            public void stored() {
                send(reply);
            }

            @Override
            public void failed(Throwable error) {
                send(reply);
            }
        };
    }

    private void onPubRec(PubRec rec) {
        if (!session.onPubRec(rec.packetId(), rec.reasonCode())) {
            ReasonCode code = version == MqttVersion.MQTT_5 ? ReasonCode.PACKET_IDENTIFIER_NOT_FOUND : ReasonCode.SUCCESS;
            send(new PubRel(rec.packetId(), code, MqttProperties.EMPTY));
        }
    }

    // ---- SUBSCRIBE / UNSUBSCRIBE ----------------------------------------------------------------------------

    private void onSubscribe(Subscribe subscribe) {
        var features = config.features();
        List<Integer> identifiers = subscribe.properties().subscriptionIdentifiers();
        int subscriptionIdentifier = identifiers.isEmpty() ? 0 : identifiers.get(0);
        if (subscriptionIdentifier != 0 && !features.subscriptionIdentifiersAvailable()) {
            disconnect(ReasonCode.SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED, "subscription identifiers are not supported");
            return;
        }
        List<ReasonCode> reasons = new ArrayList<>(subscribe.subscriptions().size());
        List<TopicSubscription> sendRetainedFor = new ArrayList<>();
        List<StoreOperation> operations = new ArrayList<>();
        List<String> refusalReasons = new ArrayList<>();
        for (TopicSubscription entry : subscribe.subscriptions()) {
            String filter = entry.topicFilter();
            SharedFilter shared = SharedFilter.parse(filter);
            if (shared != null && entry.options().noLocal() && version == MqttVersion.MQTT_5) {
                disconnect(ReasonCode.PROTOCOL_ERROR, "No Local on a shared subscription"); // [MQTT-3.8.3-4]
                return;
            }
            ReasonCode refusal = checkSubscription(filter, shared, entry.options());
            int limit = config.session().maximumSubscriptionsPerClient();
            if (refusal == null && limit > 0 && !session.subscriptions().containsKey(filter)
                    && session.subscriptions().size() >= limit) {
                refusal = version == MqttVersion.MQTT_5 ? ReasonCode.QUOTA_EXCEEDED : ReasonCode.UNSPECIFIED_ERROR;
                context.metrics().subscriptionOverLimit();
            }
            if (refusal != null) {
                reasons.add(refusal);
                refusalReasons.add(filter + ": " + describe(refusal));
                continue;
            }
            QoS granted = QoS.min(entry.options().maximumQos(), QoS.of(features.maximumQos()));
            SubscriptionOptions options = new SubscriptionOptions(granted, entry.options().noLocal(),
                    entry.options().retainAsPublished(), entry.options().retainHandling());
            boolean isNew = context.subscriptions().subscribe(client.clientId(), filter, options, subscriptionIdentifier);
            SessionSubscription subscription = new SessionSubscription(filter, options, subscriptionIdentifier);
            session.subscriptions().put(filter, subscription);
            if (session.isStored()) {
                operations.add(new StoreOperation.PutSubscription(client.clientId(), Persistence.stored(subscription)));
            }
            reasons.add(ReasonCode.granted(granted)); // [MQTT-3.8.4-6]
            RetainHandling handling = options.retainHandling();
            if (shared == null && (handling == RetainHandling.SEND_ON_SUBSCRIBE
                    || (handling == RetainHandling.SEND_IF_NEW_SUBSCRIPTION && isNew))) {
                sendRetainedFor.add(new TopicSubscription(filter, options)); // [MQTT-3.3.1-10], [MQTT-3.3.1-11]
            }
        }
        SubAck subAck = new SubAck(subscribe.packetId(), reasons, problemProperties(refusalReasons)); // [MQTT-3.8.4-1]
        // The subscriptions match at once; SUBACK waits until they are stored, so an acknowledged subscription
        // survives a crash.
        replies.after(operations, new StoreOrderedReplies.Step() {
            @Override
            public void stored() {
                send(subAck);
                for (TopicSubscription entry : sendRetainedFor) {
                    context.router().sendRetained(session, entry.topicFilter(), entry.options(), subscriptionIdentifier);
                }
            }

            @Override
            public void failed(Throwable error) {
                stored(); // they work until a restart; the store has logged why they may not survive one
            }
        });
    }

    private static String describe(ReasonCode refusal) {
        return switch (refusal) {
            case TOPIC_FILTER_INVALID, UNSPECIFIED_ERROR -> "invalid or refused topic filter";
            case SHARED_SUBSCRIPTIONS_NOT_SUPPORTED -> "shared subscriptions are not available";
            case WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED -> "wildcard subscriptions are not available";
            case NOT_AUTHORIZED -> "not authorized";
            case QUOTA_EXCEEDED -> "too many subscriptions";
            default -> refusal.name();
        };
    }

    /**
     * A Reason String for an acknowledgement that refused something, for MQTT 5 clients that did not turn problem
     * information off ([MQTT-3.1.2-29]).
     */
    private MqttProperties problemProperties(List<String> problems) {
        if (problems.isEmpty() || version != MqttVersion.MQTT_5 || !problemInformationAllowed) {
            return MqttProperties.EMPTY;
        }
        return MqttProperties.builder().reasonString(String.join("; ", problems)).build();
    }

    /** The SUBACK failure code for a subscription the broker cannot accept, or null. */
    private ReasonCode checkSubscription(String filter, SharedFilter shared, SubscriptionOptions options) {
        var features = config.features();
        boolean v5 = version == MqttVersion.MQTT_5;
        if (!Topics.isValidTopicFilter(filter) || (Topics.isShared(filter) && shared == null)) {
            return v5 ? ReasonCode.TOPIC_FILTER_INVALID : ReasonCode.UNSPECIFIED_ERROR;
        }
        if (topicLimits.filterProblem(filter, shared) != null) {
            context.metrics().topicOverLimit(); // 0x8F: well formed, not accepted (5.0 section 3.9.3)
            return v5 ? ReasonCode.TOPIC_FILTER_INVALID : ReasonCode.UNSPECIFIED_ERROR;
        }
        if (shared != null && !features.sharedSubscriptionsAvailable()) {
            return v5 ? ReasonCode.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED : ReasonCode.UNSPECIFIED_ERROR;
        }
        if (!features.wildcardSubscriptionsAvailable() && Topics.hasWildcard(filter)) {
            return v5 ? ReasonCode.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED : ReasonCode.UNSPECIFIED_ERROR;
        }
        if (!context.authorizer().maySubscribe(client, filter, options.maximumQos())) {
            return v5 ? ReasonCode.NOT_AUTHORIZED : ReasonCode.UNSPECIFIED_ERROR;
        }
        return null;
    }

    private void onUnsubscribe(Unsubscribe unsubscribe) {
        List<ReasonCode> reasons = new ArrayList<>(unsubscribe.topicFilters().size());
        List<StoreOperation> operations = new ArrayList<>();
        for (String filter : unsubscribe.topicFilters()) {
            boolean existed = context.subscriptions().unsubscribe(client.clientId(), filter);
            if (session.subscriptions().remove(filter) != null && session.isStored()) {
                operations.add(new StoreOperation.RemoveSubscription(client.clientId(), filter));
            }
            reasons.add(existed ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED); // [MQTT-3.11.3-?]
        }
        replies.after(operations, sendEither(new UnsubAck(unsubscribe.packetId(), reasons, MqttProperties.EMPTY))); // [MQTT-3.10.4-4]
    }

    // ---- AUTH: re-authentication ----------------------------------------------------------------------------

    /**
     * Re-authentication ([MQTT-4.12.1]): the client starts with AUTH 0x19 naming the method it connected with; the
     * exchange then runs like the one at connect time, and ends with AUTH 0x00 or, on failure, a DISCONNECT with
     * the mechanism's reason ([MQTT-4.12.1-2]). AUTH from a client that did not use enhanced authentication, with
     * another method, or out of turn is a Protocol Error ([MQTT-4.12.0-?]).
     */
    private void onAuth(Auth auth) {
        String method = auth.properties().authenticationMethod();
        if (authenticationMethod == null || !authenticationMethod.equals(method)) {
            protocolError("AUTH with an authentication method other than the one used in CONNECT");
            return;
        }
        EnhancedAuthenticator mechanism = context.enhancedAuthenticators().get(method);
        if (auth.reasonCode() == ReasonCode.RE_AUTHENTICATE && reauthentication == null && mechanism != null) {
            reauthentication = mechanism.start(new AuthenticationRequest(client.clientId(), client.username(), null,
                    version, client.remoteAddress(), client.listenerName()), true);
        } else if (auth.reasonCode() != ReasonCode.CONTINUE_AUTHENTICATION || reauthentication == null) {
            protocolError("AUTH " + auth.reasonCode() + " out of turn");
            return;
        }
        EnhancedAuthenticator.Exchange exchange = reauthentication;
        exchange.onClientData(auth.properties().authenticationData()).whenComplete((step, error) ->
                ctx.executor().execute(() -> onReauthenticationStep(exchange, step, error)));
    }

    private void onReauthenticationStep(EnhancedAuthenticator.Exchange exchange, AuthenticationStep step,
                                        Throwable error) {
        if (released || reauthentication != exchange) {
            return;
        }
        if (error != null || step instanceof AuthenticationStep.Failure) {
            reauthentication = null;
            AuthenticationStep.Failure failure = error == null ? (AuthenticationStep.Failure) step
                    : new AuthenticationStep.Failure(ReasonCode.UNSPECIFIED_ERROR, "authentication back-end error");
            disconnect(failure.reasonCode(), "re-authentication failed: " + failure.reason());
        } else if (step instanceof AuthenticationStep.Continue next) {
            send(new Auth(ReasonCode.CONTINUE_AUTHENTICATION, MqttProperties.builder()
                    .authenticationMethod(authenticationMethod).authenticationData(next.data()).build()));
        } else if (step instanceof AuthenticationStep.Success success) {
            reauthentication = null;
            if (success.username() != null && !success.username().equals(client.username())) {
                client = new ClientInfo(client.clientId(), success.username(), client.version(),
                        client.remoteAddress(), client.listenerName(), client.attributes());
            }
            send(new Auth(ReasonCode.SUCCESS, MqttProperties.builder()
                    .authenticationMethod(authenticationMethod).authenticationData(success.data()).build()));
        }
    }

    // ---- DISCONNECT and the end of the connection -----------------------------------------------------------

    private void onDisconnect(Disconnect disconnect) {
        Long newExpiry = disconnect.properties().sessionExpiryInterval();
        if (newExpiry != null) {
            if (connectExpiryWasZero && newExpiry != 0) {
                // 5.0 section 3.14.2.2.2: from 0 at CONNECT to non-zero at DISCONNECT is a Protocol Error.
                disconnect(ReasonCode.PROTOCOL_ERROR, "session expiry cannot be set at DISCONNECT when it was 0");
                return;
            }
            sessionExpirySeconds = Math.min(newExpiry, config.session().maximumSessionExpiry().toSeconds());
            session.expiryIntervalSeconds(sessionExpirySeconds);
        }
        boolean publishWill = disconnect.reasonCode() == ReasonCode.DISCONNECT_WITH_WILL_MESSAGE;
        closeReason = publishWill ? "DISCONNECT with will (0x04)"
                : "DISCONNECT" + (disconnect.reasonCode() == ReasonCode.SUCCESS ? "" : " " + disconnect.reasonCode());
        connectionLost(!publishWill); // [MQTT-3.14.4-3]: a normal DISCONNECT discards the will
        ctx.close(); // [MQTT-3.14.4-1]
    }

    private void onDecodeFailure(DecodeFailure failure) {
        context.metrics().protocolViolation();
        disconnect(failure.reasonCode(), failure.message()); // [MQTT-4.13.1-1]
    }

    private void protocolError(String why) {
        context.metrics().protocolViolation();
        disconnect(ReasonCode.PROTOCOL_ERROR, why);
    }

    /**
     * The server ends the connection: MQTT 5 clients are told why with DISCONNECT ([MQTT-4.13.1-1]); 3.x clients
     * are simply closed on. The will is published.
     */
    void disconnect(ReasonCode reason, String why) {
        if (released) {
            return;
        }
        closeReason = why + " (" + reason + ")";
        if (version == MqttVersion.MQTT_5) {
            MqttProperties properties = problemInformationAllowed && why != null
                    ? MqttProperties.builder().reasonString(why).build() : MqttProperties.EMPTY;
            send(new Disconnect(reason, properties));
        }
        connectionLost(false);
        ctx.flush();
        ctx.close();
    }

    /** Broker shutdown: MQTT 5 clients get DISCONNECT 0x8B Server shutting down. */
    public void shutdown() {
        disconnect(ReasonCode.SERVER_SHUTTING_DOWN, "server shutting down");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            // [MQTT-3.1.2-24]: nothing received for 1.5 times the keep alive.
            disconnect(ReasonCode.KEEP_ALIVE_TIMEOUT, "keep alive timeout");
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connectionLost(false);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Closing connection of {} after an error", client == null ? ctx.channel().remoteAddress() : client.clientId(), cause);
        closeReason = "network error: " + cause.getMessage();
        connectionLost(false);
        ctx.close();
    }

    /**
     * Lets the session go, once. {@code graceful} is true only for DISCONNECT 0x00; otherwise the will is published
     * now, or after its delay if the session outlives it ([MQTT-3.1.3-9]).
     */
    private void connectionLost(boolean graceful) {
        if (released || session == null) {
            released = true;
            return;
        }
        released = true;
        Session lost = session;
        if (!graceful && will != null && !mayPublishWill(will)) {
            will = null;
        }
        if (!graceful && will != null) {
            long delay = version == MqttVersion.MQTT_5 && will.properties().willDelayInterval() != null
                    ? will.properties().willDelayInterval() : 0;
            if (delay == 0 || sessionExpirySeconds == 0) {
                publishWill(will);
            } else {
                Will delayed = will;
                lost.scheduleWill(delayed, Math.min(delay, sessionExpirySeconds), () -> publishWill(delayed));
            }
        }
        will = null;
        lost.detach();
        if (sessionExpirySeconds == 0) {
            endSession(lost);
        } else {
            lost.storeRecordIfStored(); // when it went offline, and its delayed will: expiry survives a restart
            context.sessions().expireAfter(lost, sessionExpirySeconds);
        }
        LOG.info("Client disconnected: id={} address={} version={} reason={}", client.clientId(), client.remoteAddress(),
                version, closeReason);
    }

    /** Ends a session; a will still waiting for its delay is published now ([MQTT-3.1.3-9]: the session ended). */
    private void endSession(Session ending) {
        context.sessions().end(ending);
    }

    /** A will the Authorizer refuses is dropped when the connection is lost, before any delay. */
    private boolean mayPublishWill(Will candidate) {
        if (context.authorizer().mayPublish(client, candidate.topic(), candidate.qos(), candidate.retain())) {
            return true;
        }
        LOG.info("Will of {} on {} not published: not authorized", client.clientId(), candidate.topic());
        return false;
    }

    private void publishWill(Will toPublish) {
        context.router().publish(ApplicationMessage.fromWill(toPublish, client.clientId(), System.currentTimeMillis()),
                ctx.executor());
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        connectionLost(false);
    }

    /** For the registry's shutdown: closes the channel from this connection's executor. */
    public void closeQuietly() {
        ctx.close().addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
}
