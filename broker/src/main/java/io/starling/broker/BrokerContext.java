package io.starling.broker;

import io.netty.channel.group.ChannelGroup;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.routing.Router;
import io.starling.broker.session.SessionRegistry;
import io.starling.broker.spi.Authenticator;
import io.starling.broker.spi.Authorizer;
import io.starling.broker.spi.EnhancedAuthenticator;
import io.starling.broker.subscription.SubscriptionIndex;

import java.util.Map;

/**
 * The broker-wide services a connection needs, built once at start and shared read-only: the configuration, the
 * session registry, the subscription index, the router, security hooks (enhanced authentication mechanisms by
 * Authentication Method), metrics and the group of open channels.
 */
public record BrokerContext(BrokerConfig config, SessionRegistry sessions, SubscriptionIndex subscriptions,
                            Router router, Authenticator authenticator, Authorizer authorizer,
                            Map<String, EnhancedAuthenticator> enhancedAuthenticators, BrokerMetrics metrics,
                            ChannelGroup channels) {
    public BrokerContext {
        enhancedAuthenticators = Map.copyOf(enhancedAuthenticators);
    }
}
