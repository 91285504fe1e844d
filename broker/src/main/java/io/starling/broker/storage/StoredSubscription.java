package io.starling.broker.storage;

import io.starling.codec.packet.SubscriptionOptions;

import java.util.Objects;

/** One subscription of a session; {@code subscriptionIdentifier} is 0 when none. */
public record StoredSubscription(String topicFilter, SubscriptionOptions options, int subscriptionIdentifier) {
    public StoredSubscription {
        Objects.requireNonNull(topicFilter, "topicFilter");
        Objects.requireNonNull(options, "options");
    }
}
