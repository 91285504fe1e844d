package io.starling.broker.subscription;

import io.starling.codec.packet.SubscriptionOptions;

import java.util.List;

/** One non-shared (client, filter) subscription as stored in a trie node. Immutable. */
final class Subscription {
    final String clientId;
    final SubscriptionOptions options;
    final int subscriptionIdentifier;
    /** What {@link SubscriptionIndex#match} returns when this is the client's only matching subscription. */
    final SubscriberMatch alone;

    Subscription(String clientId, SubscriptionOptions options, int subscriptionIdentifier) {
        this.clientId = clientId;
        this.options = options;
        this.subscriptionIdentifier = subscriptionIdentifier;
        this.alone = new SubscriberMatch(clientId, options.maximumQos(), options.retainAsPublished(),
                subscriptionIdentifier == 0 ? List.of() : List.of(subscriptionIdentifier));
    }
}
