package io.starling.broker.session;

import io.starling.codec.packet.SubscriptionOptions;

/** A subscription as its session remembers it, to remove it from the index when the session ends. */
public record SessionSubscription(String topicFilter, SubscriptionOptions options, int subscriptionIdentifier) {
}
