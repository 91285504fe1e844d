package io.starling.loadtool.client;

import io.starling.codec.MqttVersion;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How every client of a run connects.
 *
 * @param host             broker host
 * @param port             broker port
 * @param version          MQTT version of every client
 * @param username         user name, or null
 * @param password         password, or null
 * @param keepAliveSeconds keep alive asked in CONNECT; the client pings at 3/4 of it (or of the MQTT 5 Server Keep
 *                         Alive). 0: no keep alive, no pings
 * @param connectTimeout   how long a TCP connect, and then the CONNACK, may take
 * @param clientIdPrefix   client identifiers are this prefix and a role and number, e.g. {@code <prefix>-p3}
 * @param sessionExpirySeconds MQTT 5 Session Expiry Interval asked in CONNECT (with Clean Start): above 0 the
 *                         broker keeps the sessions, and stores their messages if it has a store. 0: none
 */
public record ClientSettings(String host, int port, MqttVersion version, String username, String password,
                             int keepAliveSeconds, Duration connectTimeout, String clientIdPrefix,
                             long sessionExpirySeconds) {

    /** Sessions that end with their connection. */
    public ClientSettings(String host, int port, MqttVersion version, String username, String password,
                          int keepAliveSeconds, Duration connectTimeout, String clientIdPrefix) {
        this(host, port, version, username, password, keepAliveSeconds, connectTimeout, clientIdPrefix, 0);
    }

    public ClientSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(clientIdPrefix, "clientIdPrefix");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        if (sessionExpirySeconds < 0 || sessionExpirySeconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("session expiry must be 0..4294967295 s: " + sessionExpirySeconds);
        }
        if (sessionExpirySeconds > 0 && version != MqttVersion.MQTT_5) {
            throw new IllegalArgumentException("a session expiry needs MQTT 5 (-V 5)");
        }
        if (keepAliveSeconds < 0 || keepAliveSeconds > 65535) {
            throw new IllegalArgumentException("keep alive must be 0..65535 s: " + keepAliveSeconds);
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    /** host:port, as reports show it. */
    public String target() {
        return host + ":" + port;
    }
}
