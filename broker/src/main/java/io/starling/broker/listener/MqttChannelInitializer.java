package io.starling.broker.listener;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import io.starling.broker.BrokerContext;
import io.starling.broker.BrokerStartException;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.config.ListenerType;
import io.starling.broker.connection.ConnectHandler;
import io.starling.broker.connection.ConnectTimeoutHandler;
import io.starling.codec.netty.MqttFrameDecoder;
import io.starling.codec.netty.MqttPacketEncoderHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Builds the pipeline of a new connection on one listener, in {@link PipelineNames} order: the transport handlers
 * the listener's settings call for, then the MQTT handlers every listener shares.
 * <ol>
 *   <li>PROXY protocol: the check of the first bytes (every listener), then with {@code proxy-protocol} the decoder
 *       and {@link ProxyProtocolHandler};</li>
 *   <li>TLS ({@code mqtts}, {@code wss}): the {@link io.netty.handler.ssl.SslHandler} from the listener's current
 *       context and {@link TlsHandshakeHandler};</li>
 *   <li>WebSocket ({@code ws}, {@code wss}): HTTP codec and aggregator for the upgrade request, Netty's WebSocket
 *       protocol handler (subprotocols {@code mqtt} and {@code mqttv3.1}), {@link WebSocketFrameAdapter};</li>
 *   <li>MQTT: flush consolidation, frame decoder, packet encoder, connect timeout, CONNECT handler. Once CONNECT is
 *       accepted the CONNECT handler replaces itself and the timeout with the keep-alive watchdog and the
 *       connection handler.</li>
 * </ol>
 * A connection over the listener's {@code max-connections}, or from an address over its
 * {@code max-connection-rate}, is closed before any handler is added; with {@code proxy-protocol} the rate check
 * waits for the header's client address, in a handler after the PROXY handler ({@link ConnectionRateLimit}). One
 * instance per listener, shared by its event loops.
 */
public final class MqttChannelInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger LOG = LoggerFactory.getLogger(MqttChannelInitializer.class);
    /** The WebSocket subprotocols MQTT registers: {@code mqtt} (3.1.1 and 5.0) and {@code mqttv3.1}. */
    static final String WEBSOCKET_SUBPROTOCOLS = "mqtt,mqttv3.1";
    private static final int HTTP_UPGRADE_REQUEST_MAXIMUM = 64 * 1024;
    private static final int WEBSOCKET_FRAME_MINIMUM_LIMIT = 64 * 1024;
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    private final BrokerContext context;
    private final ListenerConfig listener;
    private final ServerTlsContext tls;
    private final ConnectionLimit limit;
    private final ConnectionRateLimit rateLimit;
    private final RateLimitedLog refusals = new RateLimitedLog(LOG, LOG_INTERVAL);

    /**
     * An initializer whose TLS files, if any, are read now and never again.
     *
     * @throws BrokerStartException when the listener's TLS files or settings cannot be used
     */
    public MqttChannelInitializer(BrokerContext context, ListenerConfig listener) {
        this.context = context;
        this.listener = listener;
        this.tls = listener.type().tls() ? loadTls(listener) : null;
        this.limit = new ConnectionLimit(listener.name(), listener.maxConnections(), context.metrics());
        this.rateLimit = new ConnectionRateLimit(listener.name(), listener.maxConnectionRate(), context.metrics());
    }

    /**
     * The initializer of a listener, with its TLS files, if any, checked for changes on one executor of
     * {@code scheduler} (the broker's acceptor group, so the checks stop with the broker).
     *
     * @throws BrokerStartException when the listener's TLS files or settings cannot be used
     */
    public static MqttChannelInitializer forListener(BrokerContext context, ListenerConfig listener,
                                                     EventExecutorGroup scheduler) {
        if (listener.type() != ListenerType.MQTT && listener.port() == ListenerType.MQTT.conventionalPort()) {
            LOG.warn("Listener {} ({}) uses port {}, the port of plain MQTT; clients expect {} on {}",
                    listener.name(), listener.type().configName(), listener.port(), listener.type().configName(),
                    listener.type().conventionalPort());
        }
        MqttChannelInitializer initializer = new MqttChannelInitializer(context, listener);
        if (initializer.tls != null) {
            initializer.tls.scheduleChecks(scheduler);
        }
        return initializer;
    }

    /** The listener's TLS context, or null on listeners without TLS. */
    public ServerTlsContext tls() {
        return tls;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        if (!listener.proxyProtocol() && !rateLimit.admit(channel)) {
            channel.close(); // the socket's address is the client's: checked now, before anything is read
            return;
        }
        if (!limit.admit(channel)) {
            channel.close();
            return;
        }
        context.channels().add(channel);
        context.metrics().connectionAccepted();
        ChannelPipeline pipeline = channel.pipeline();
        addProxyProtocol(pipeline);
        if (tls != null) {
            addTls(pipeline, channel);
        }
        if (listener.type().webSocket()) {
            addWebSocket(pipeline);
        }
        addMqtt(pipeline);
    }

    private void addProxyProtocol(ChannelPipeline pipeline) {
        String name = listener.name();
        pipeline.addLast(PipelineNames.PROXY_HEADER_CHECK,
                new ProxyHeaderCheck(listener.proxyProtocol(), name, context.metrics(), refusals));
        if (listener.proxyProtocol()) {
            pipeline.addLast(PipelineNames.PROXY_DECODER, new HAProxyMessageDecoder());
            pipeline.addLast(PipelineNames.PROXY_HANDLER, new ProxyProtocolHandler(name, context.metrics(), refusals));
            if (rateLimit.enabled()) {
                pipeline.addLast(PipelineNames.CONNECTION_RATE, rateLimit.newCheck());
            }
        }
    }

    private void addTls(ChannelPipeline pipeline, SocketChannel channel) {
        pipeline.addLast(PipelineNames.TLS, tls.current().newHandler(channel.alloc()));
        pipeline.addLast(PipelineNames.TLS_HANDSHAKE, new TlsHandshakeHandler(listener.name(),
                listener.tls().usernameFromCertificate(), context.metrics(), refusals));
    }

    private void addWebSocket(ChannelPipeline pipeline) {
        // A frame may carry a whole packet (MQTT.js sends one packet per frame), so frames up to the largest packet
        // accepted must get through.
        int frameLimit = Math.max(WEBSOCKET_FRAME_MINIMUM_LIMIT, context.config().connection().maximumPacketSize());
        WebSocketServerProtocolConfig webSocket = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(listener.websocketPath())
                .checkStartsWith(true) // "/mqtt?token=..." too
                .subprotocols(WEBSOCKET_SUBPROTOCOLS)
                .handshakeTimeoutMillis(context.config().connection().connectTimeout().toMillis())
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(frameLimit)
                        .allowExtensions(false)
                        .build())
                .build();
        pipeline.addLast(PipelineNames.HTTP_CODEC, new HttpServerCodec());
        pipeline.addLast(PipelineNames.HTTP_AGGREGATOR, new HttpObjectAggregator(HTTP_UPGRADE_REQUEST_MAXIMUM));
        pipeline.addLast(PipelineNames.WEBSOCKET_PROTOCOL, new WebSocketServerProtocolHandler(webSocket));
        pipeline.addLast(PipelineNames.WEBSOCKET_FRAMES,
                new WebSocketFrameAdapter(listener.name(), listener.websocketPath()));
    }

    private void addMqtt(ChannelPipeline pipeline) {
        // Many small writes in one loop turn (acks, fan-out) leave in one flush, and so in one TLS record or
        // WebSocket write when those are below.
        pipeline.addLast(PipelineNames.FLUSH_CONSOLIDATION, new FlushConsolidationHandler(256, true));
        pipeline.addLast(PipelineNames.FRAME_DECODER, new MqttFrameDecoder(context.config().connection().maximumPacketSize()));
        pipeline.addLast(PipelineNames.PACKET_ENCODER, MqttPacketEncoderHandler.INSTANCE);
        pipeline.addLast(PipelineNames.CONNECT_TIMEOUT, new ConnectTimeoutHandler(context.config().connection().connectTimeout()));
        pipeline.addLast(PipelineNames.CONNECT_HANDLER, new ConnectHandler(context, listener));
    }

    private static ServerTlsContext loadTls(ListenerConfig listener) {
        try {
            return ServerTlsContext.load(listener.name(), listener.tls());
        } catch (ServerTlsContext.TlsSetupException e) {
            throw new BrokerStartException("listener " + listener.name() + ": " + e.getMessage(), e);
        }
    }
}
