package io.starling.broker.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The whole configuration of a broker: one immutable tree. {@link #DEFAULT} is what {@code starling broker}
 * runs with when given no file; {@link ConfigLoader} reads a YAML file over these defaults.
 *
 * @param listeners        where to accept connections. Default one listener on 127.0.0.1:1883.
 * @param connection       per-connection limits.
 * @param session          session state, in-flight window and queues.
 * @param features         switchable protocol features.
 * @param shutdownGracePeriod how long a stopping broker waits for connections to close after telling MQTT 5
 *                         clients it is shutting down (DISCONNECT 0x8B). Default 5 s.
 * @param security         password file, ACL file and anonymous access. Default none: every client is let in and
 *                         may do everything.
 * @param storage          durability mode and data directory. Default {@code sync} in {@code ./data}.
 */
public record BrokerConfig(List<ListenerConfig> listeners, ConnectionConfig connection, SessionConfig session,
                           FeatureConfig features, Duration shutdownGracePeriod, SecurityConfig security,
                           StorageConfig storage) {

    public static final BrokerConfig DEFAULT = new BrokerConfig(List.of(ListenerConfig.DEFAULT),
            ConnectionConfig.DEFAULT, SessionConfig.DEFAULT, FeatureConfig.DEFAULT, Duration.ofSeconds(5),
            SecurityConfig.DEFAULT, StorageConfig.DEFAULT);

    public BrokerConfig {
        listeners = List.copyOf(Objects.requireNonNullElse(listeners, List.of(ListenerConfig.DEFAULT)));
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("at least one listener is needed");
        }
        connection = Objects.requireNonNullElse(connection, ConnectionConfig.DEFAULT);
        session = Objects.requireNonNullElse(session, SessionConfig.DEFAULT);
        features = Objects.requireNonNullElse(features, FeatureConfig.DEFAULT);
        shutdownGracePeriod = Objects.requireNonNullElse(shutdownGracePeriod, Duration.ofSeconds(5));
        security = Objects.requireNonNullElse(security, SecurityConfig.DEFAULT);
        storage = Objects.requireNonNullElse(storage, StorageConfig.DEFAULT);
    }

    /** The configuration with default storage settings. */
    public BrokerConfig(List<ListenerConfig> listeners, ConnectionConfig connection, SessionConfig session,
                        FeatureConfig features, Duration shutdownGracePeriod, SecurityConfig security) {
        this(listeners, connection, session, features, shutdownGracePeriod, security, StorageConfig.DEFAULT);
    }

    /** The configuration without security settings (none: every client is let in and may do everything). */
    public BrokerConfig(List<ListenerConfig> listeners, ConnectionConfig connection, SessionConfig session,
                        FeatureConfig features, Duration shutdownGracePeriod) {
        this(listeners, connection, session, features, shutdownGracePeriod, SecurityConfig.DEFAULT, StorageConfig.DEFAULT);
    }

    /** A copy with a single listener at the given address; port 0 picks a free port. */
    public BrokerConfig withListener(String bind, int port) {
        return new BrokerConfig(List.of(new ListenerConfig("default", bind, port)), connection, session, features,
                shutdownGracePeriod, security, storage);
    }

    public BrokerConfig withConnection(ConnectionConfig newConnection) {
        return new BrokerConfig(listeners, newConnection, session, features, shutdownGracePeriod, security, storage);
    }

    public BrokerConfig withSession(SessionConfig newSession) {
        return new BrokerConfig(listeners, connection, newSession, features, shutdownGracePeriod, security, storage);
    }

    public BrokerConfig withFeatures(FeatureConfig newFeatures) {
        return new BrokerConfig(listeners, connection, session, newFeatures, shutdownGracePeriod, security, storage);
    }

    public BrokerConfig withStorage(StorageConfig newStorage) {
        return new BrokerConfig(listeners, connection, session, features, shutdownGracePeriod, security, newStorage);
    }

    public BrokerConfig withSecurity(SecurityConfig newSecurity) {
        return new BrokerConfig(listeners, connection, session, features, shutdownGracePeriod, newSecurity, storage);
    }
}
