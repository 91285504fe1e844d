package io.starling.broker;

import io.netty.channel.group.ChannelGroup;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.connection.FailedLoginDelay;
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
 * Authentication Method), metrics, the group of open channels and the per-address record of failed logins.
 */
public record BrokerContext(BrokerConfig config, SessionRegistry sessions, SubscriptionIndex subscriptions,
                            Router router, Authenticator authenticator, Authorizer authorizer,
                            Map<String, EnhancedAuthenticator> enhancedAuthenticators, BrokerMetrics metrics,
                            ChannelGroup channels, FailedLoginDelay failedLogins) {
    public BrokerContext {
        enhancedAuthenticators = Map.copyOf(enhancedAuthenticators);
    }

    /** With a failed-login record built from {@code config.security().failedLoginDelay()}. */
    public BrokerContext(BrokerConfig config, SessionRegistry sessions, SubscriptionIndex subscriptions,
                         Router router, Authenticator authenticator, Authorizer authorizer,
                         Map<String, EnhancedAuthenticator> enhancedAuthenticators, BrokerMetrics metrics,
                         ChannelGroup channels) {
        this(config, sessions, subscriptions, router, authenticator, authorizer, enhancedAuthenticators, metrics,
                channels, new FailedLoginDelay(config.security().failedLoginDelay()));
    }
}
