package io.starling.broker.listener;

/**
 * The names of the handlers in a connection's pipeline, in pipeline order. The transport handlers come first and
 * only on the listeners that need them: the PROXY protocol ones, TLS, then HTTP and WebSocket; the MQTT handlers
 * from {@link #FLUSH_CONSOLIDATION} on are the same on every listener.
 */
public final class PipelineNames {
    /** Checks the first bytes for a PROXY protocol header, expected or not; removes itself once they pass. */
    public static final String PROXY_HEADER_CHECK = "proxy-header-check";
    public static final String PROXY_DECODER = "proxy-decoder";
    /** Takes the decoded PROXY header's client address; removes itself after it. */
    public static final String PROXY_HANDLER = "proxy-handler";
    /** With proxy-protocol and max-connection-rate: checks the header's client address; removes itself after it. */
    public static final String CONNECTION_RATE = "connection-rate";
    public static final String TLS = "tls";
    /** Logs failed handshakes and takes the client certificate's identity; removes itself after the handshake. */
    public static final String TLS_HANDSHAKE = "tls-handshake";
    public static final String HTTP_CODEC = "http-codec";
    public static final String HTTP_AGGREGATOR = "http-aggregator";
    public static final String WEBSOCKET_PROTOCOL = "websocket-protocol";
    /** Binary WebSocket frames in, bytes out; bytes in, binary frames out. */
    public static final String WEBSOCKET_FRAMES = "websocket-frames";
    public static final String FLUSH_CONSOLIDATION = "flush-consolidation";
    /** With a per-connection rate limit, from CONNECT on: counts the bytes read, for the inbound bandwidth. */
    public static final String INBOUND_BYTES = "inbound-bytes";
    public static final String FRAME_DECODER = "mqtt-frame-decoder";
    public static final String PACKET_ENCODER = "mqtt-packet-encoder";
    public static final String CONNECT_TIMEOUT = "connect-timeout";
    public static final String KEEP_ALIVE = "keep-alive";
    /** With a per-connection rate limit, from CONNECT on: holds back PUBLISHes over the publish rate. */
    public static final String INBOUND_RATE_LIMIT = "inbound-rate-limit";
    public static final String CONNECT_HANDLER = "connect-handler";
    public static final String CONNECTION = "mqtt-connection";

    private PipelineNames() {
    }
}
