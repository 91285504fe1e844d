package io.starling.broker.subscription;

import io.starling.codec.packet.SubscriptionOptions;

import java.util.Objects;

/**
 * One client's membership in a shared subscription group ([MQTT-4.8.2]). {@code subscriptionIdentifier} is 0 when
 * the SUBSCRIBE carried none.
 */
public record SharedMember(String clientId, SubscriptionOptions options, int subscriptionIdentifier) {
    public SharedMember {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(options, "options");
    }
}
