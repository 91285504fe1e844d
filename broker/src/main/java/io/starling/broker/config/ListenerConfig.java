package io.starling.broker.config;

import java.util.Objects;

/**
 * One network listener. MQTT 3.1, 3.1.1 and 5.0 clients share it: the version is negotiated per connection. A
 * broker has as many listeners as it likes, each with its own transport and settings.
 *
 * @param name           a label for logs and metrics. Default {@code default}.
 * @param type           the transport: {@code mqtt} (TCP), {@code mqtts} (TLS), {@code ws} (WebSocket) or
 *                       {@code wss} (WebSocket over TLS). Default mqtt.
 * @param bind           the address to listen on. Default {@code 127.0.0.1}: secure by default, reachable only from
 *                       this machine until the operator opens it up (for example {@code 0.0.0.0}).
 * @param port           the TCP port; 0 picks a free ephemeral port (tests). Default 1883 whatever the type: give
 *                       TLS and WebSocket listeners their own (8883 for mqtts by convention).
 * @param websocketPath  the HTTP path of the WebSocket endpoint on {@code ws} and {@code wss} listeners. Default
 *                       {@code /mqtt}.
 * @param proxyProtocol  whether every connection starts with a PROXY protocol header (v1 or v2) from a load
 *                       balancer, which then gives the client's address; connections without one are closed.
 *                       Default false.
 * @param maxConnections the most connections open at once on this listener; more are closed as they are accepted.
 *                       0: no limit. Default 0.
 * @param maxConnectionRate the most new connections per second from one client address (IPv6: one /64 network),
 *                       with bursts of as many; more are closed at once, before any MQTT byte is read. The address is
 *                       the one a PROXY protocol header reports, if the listener takes one. 0: no limit. Default 0.
 * @param tls            TLS settings, for {@code mqtts} and {@code wss} listeners.
 */
public record ListenerConfig(String name, ListenerType type, String bind, int port, String websocketPath,
                             boolean proxyProtocol, int maxConnections, int maxConnectionRate, TlsConfig tls) {
    public static final String DEFAULT_WEBSOCKET_PATH = "/mqtt";

    public static final ListenerConfig DEFAULT = new ListenerConfig("default", "127.0.0.1", 1883);

    public ListenerConfig {
        name = Objects.requireNonNullElse(name, DEFAULT_NAME);
        type = Objects.requireNonNullElse(type, ListenerType.MQTT);
        bind = Objects.requireNonNullElse(bind, "127.0.0.1");
        websocketPath = Objects.requireNonNullElse(websocketPath, DEFAULT_WEBSOCKET_PATH).strip();
        tls = Objects.requireNonNullElse(tls, TlsConfig.DEFAULT);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listener port must be 0..65535: " + port);
        }
        if (!websocketPath.startsWith("/")) {
            throw new IllegalArgumentException("websocket-path must start with /: '" + websocketPath + "'");
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("max-connections must be 0 (no limit) or more: " + maxConnections);
        }
        if (maxConnectionRate < 0) {
            throw new IllegalArgumentException("max-connection-rate must be 0 (no limit) or more: "
                    + maxConnectionRate);
        }
        if (type.tls() && !tls.hasServerCertificate()) {
            throw new IllegalArgumentException("a " + type.configName()
                    + " listener needs tls.cert-file and tls.key-file");
        }
        if (!type.tls() && (!tls.certFile().isEmpty() || !tls.keyFile().isEmpty())) {
            // Most likely a forgotten type: serving plain MQTT where TLS was meant would leak credentials.
            throw new IllegalArgumentException("tls.cert-file is set but the listener's type is " + type.configName()
                    + "; use type mqtts or wss for TLS");
        }
    }

    /** A listener without a connection rate limit. */
    public ListenerConfig(String name, ListenerType type, String bind, int port, String websocketPath,
                          boolean proxyProtocol, int maxConnections, TlsConfig tls) {
        this(name, type, bind, port, websocketPath, proxyProtocol, maxConnections, 0, tls);
    }

    /** A plain MQTT-over-TCP listener with every other setting at its default. */
    public ListenerConfig(String name, String bind, int port) {
        this(name, ListenerType.MQTT, bind, port, DEFAULT_WEBSOCKET_PATH, false, 0, TlsConfig.DEFAULT);
    }

    /** A listener of the given type; TLS types need {@code tls} with a certificate and key. */
    public static ListenerConfig of(String name, ListenerType type, String bind, int port, TlsConfig tls) {
        return new ListenerConfig(name, type, bind, port, DEFAULT_WEBSOCKET_PATH, false, 0, tls);
    }

    /** A copy listening elsewhere, every other setting kept. */
    public ListenerConfig withAddress(String newBind, int newPort) {
        return new ListenerConfig(name, type, newBind, newPort, websocketPath, proxyProtocol, maxConnections,
                maxConnectionRate, tls);
    }

    public ListenerConfig withWebsocketPath(String newPath) {
        return new ListenerConfig(name, type, bind, port, newPath, proxyProtocol, maxConnections, maxConnectionRate,
                tls);
    }

    public ListenerConfig withProxyProtocol(boolean enabled) {
        return new ListenerConfig(name, type, bind, port, websocketPath, enabled, maxConnections, maxConnectionRate,
                tls);
    }

    public ListenerConfig withMaxConnections(int limit) {
        return new ListenerConfig(name, type, bind, port, websocketPath, proxyProtocol, limit, maxConnectionRate, tls);
    }

    public ListenerConfig withMaxConnectionRate(int perSecond) {
        return new ListenerConfig(name, type, bind, port, websocketPath, proxyProtocol, maxConnections, perSecond, tls);
    }

    public ListenerConfig withTls(TlsConfig newTls) {
        return new ListenerConfig(name, type, bind, port, websocketPath, proxyProtocol, maxConnections,
                maxConnectionRate, newTls);
    }

    private static final String DEFAULT_NAME = "default";
}
