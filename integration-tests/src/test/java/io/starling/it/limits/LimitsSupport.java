package io.starling.it.limits;

import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ConnectionConfig;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.config.SecurityConfig;
import io.starling.it.kit.BrokerSettings;
import io.starling.it.kit.StarlingBroker;

import java.util.List;
import java.util.function.UnaryOperator;

/** Broker configurations for the limit tests: the test kit's defaults on 127.0.0.1:0, with the limits changed. */
final class LimitsSupport {
    private LimitsSupport() {
    }

    /** The kit's configuration with its one listener, its connection limits and its security settings changed. */
    static BrokerConfig config(UnaryOperator<ListenerConfig> listener, UnaryOperator<ConnectionConfig> connection,
                               UnaryOperator<SecurityConfig> security) {
        BrokerConfig base = StarlingBroker.config(BrokerSettings.DEFAULTS);
        return new BrokerConfig(List.of(listener.apply(base.listeners().get(0))),
                connection.apply(base.connection()), base.session(), base.features(), base.shutdownGracePeriod(),
                security.apply(base.security()), base.storage());
    }

    static BrokerConfig connectionLimits(UnaryOperator<ConnectionConfig> connection) {
        return config(UnaryOperator.identity(), connection, UnaryOperator.identity());
    }

    static BrokerConfig listener(UnaryOperator<ListenerConfig> listener) {
        return config(listener, UnaryOperator.identity(), UnaryOperator.identity());
    }
}
