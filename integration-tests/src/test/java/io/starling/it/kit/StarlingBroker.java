package io.starling.it.kit;

import io.starling.broker.spi.Authenticator;
import io.starling.broker.spi.Authorizer;
import io.starling.broker.storage.BrokerStore;
import java.util.List;
import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ConnectionConfig;
import io.starling.broker.config.FeatureConfig;
import io.starling.broker.config.SessionConfig;

/** Starling embedded in the test JVM on 127.0.0.1 and an ephemeral port. */
public final class StarlingBroker implements BrokerUnderTest {
    private final Broker broker;
    private final int port;

    private StarlingBroker(Broker broker) {
        this.broker = broker;
        this.port = broker.port();
    }

    static StarlingBroker start(BrokerSettings settings) {
        return new StarlingBroker(Broker.start(config(settings)));
    }

    /** Starling keeping its state in {@code store}, which it restores first and closes when it stops. */
    public static StarlingBroker start(BrokerSettings settings, BrokerStore store) {
        return start(config(settings), store);
    }

    /** Starling with a configuration of the test's own, keeping its state in {@code store}. */
    public static StarlingBroker start(BrokerConfig config, BrokerStore store) {
        return new StarlingBroker(Broker.start(config, Authenticator.ALLOW_ANONYMOUS, Authorizer.ALLOW_ALL,
                List.of(), store));
    }

    /** The broker's configuration: the defaults, listening on 127.0.0.1:0, with the test's tweaks. */
    public static BrokerConfig config(BrokerSettings settings) {
        BrokerConfig base = BrokerConfig.DEFAULT.withListener("127.0.0.1", 0);
        ConnectionConfig c = base.connection();
        ConnectionConfig connection = new ConnectionConfig(
                orElse(settings.connectTimeout(), c.connectTimeout()),
                orElse(settings.maximumPacketSize(), c.maximumPacketSize()),
                orElse(settings.receiveMaximum(), c.receiveMaximum()),
                orElse(settings.topicAliasMaximum(), c.topicAliasMaximum()),
                orElse(settings.maximumKeepAlive(), c.maximumKeepAlive()),
                c.keepAliveGraceFactor());
        SessionConfig s = base.session();
        SessionConfig session = new SessionConfig(s.maximumSessionExpiry(), s.persistentSessionExpiry(),
                orElse(settings.maximumInflight(), s.maximumInflight()),
                orElse(settings.maximumQueuedMessages(), s.maximumQueuedMessages()),
                s.maximumQueuedBytes(),
                orElse(settings.queueOverflowPolicy(), s.queueOverflowPolicy()),
                orElse(settings.queueQos0WhenOffline(), s.queueQos0WhenOffline()));
        FeatureConfig f = base.features();
        FeatureConfig features = new FeatureConfig(
                orElse(settings.maximumQos(), f.maximumQos()),
                orElse(settings.retainAvailable(), f.retainAvailable()),
                orElse(settings.wildcardSubscriptionsAvailable(), f.wildcardSubscriptionsAvailable()),
                orElse(settings.sharedSubscriptionsAvailable(), f.sharedSubscriptionsAvailable()),
                orElse(settings.subscriptionIdentifiersAvailable(), f.subscriptionIdentifiersAvailable()));
        return new BrokerConfig(base.listeners(), connection, session, features,
                orElse(settings.shutdownGracePeriod(), base.shutdownGracePeriod()));
    }

    private static <T> T orElse(T value, T fallback) {
        return value != null ? value : fallback;
    }

    @Override
    public Kind kind() {
        return Kind.STARLING;
    }

    @Override
    public int port() {
        return port;
    }

    /** The embedded broker, for tests that use the embedding API itself (shutdown). */
    public Broker broker() {
        return broker;
    }

    @Override
    public void close() {
        broker.close();
    }

    @Override
    public String toString() {
        return "Starling on 127.0.0.1:" + port;
    }
}
