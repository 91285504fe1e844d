package io.starling.broker.config;

/**
 * What a listener speaks below MQTT. In the configuration file: {@code mqtt}, {@code mqtts}, {@code ws},
 * {@code wss}.
 */
public enum ListenerType {
    /** MQTT straight over TCP; IANA's port is 1883. */
    MQTT(false, false, 1883),
    /** MQTT over TLS over TCP; IANA's port is 8883. */
    MQTTS(true, false, 8883),
    /** MQTT in binary WebSocket frames (MQTT 5.0 section 6, [MQTT-6.0.0-1]); 8083 by common use. */
    WS(false, true, 8083),
    /** MQTT in binary WebSocket frames over TLS; 8084 by common use. */
    WSS(true, true, 8084);

    private final boolean tls;
    private final boolean webSocket;
    private final int conventionalPort;

    ListenerType(boolean tls, boolean webSocket, int conventionalPort) {
        this.tls = tls;
        this.webSocket = webSocket;
        this.conventionalPort = conventionalPort;
    }

    /** Whether connections start with a TLS handshake. */
    public boolean tls() {
        return tls;
    }

    /** Whether MQTT travels in WebSocket frames after an HTTP upgrade. */
    public boolean webSocket() {
        return webSocket;
    }

    /** The port clients expect for this type when none is given; the listener's own default stays 1883. */
    public int conventionalPort() {
        return conventionalPort;
    }

    /** The name used in the configuration file and in logs: {@code mqtts}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
