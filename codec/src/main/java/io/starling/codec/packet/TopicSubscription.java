package io.starling.codec.packet;

import java.util.Objects;

/** One entry of a SUBSCRIBE payload: a topic filter and its options. */
public record TopicSubscription(String topicFilter, SubscriptionOptions options) {
    public TopicSubscription {
        Objects.requireNonNull(topicFilter, "topicFilter");
        Objects.requireNonNull(options, "options");
    }
}
