package io.starling.broker.subscription;

import java.util.List;
import java.util.Objects;

/**
 * Everyone a PUBLISH goes to: one {@link SubscriberMatch} per client with matching non-shared subscriptions, and one
 * {@link SharedGroup} per matching shared subscription (share name + filter), from which the caller picks a member.
 * Both lists are unmodifiable; their order carries no meaning.
 */
public record MatchResult(List<SubscriberMatch> subscribers, List<SharedGroup> sharedGroups) {
    /** The result for a topic nobody subscribes to; {@link SubscriptionIndex#match} returns this very instance. */
    public static final MatchResult EMPTY = new MatchResult(List.of(), List.of());

    public MatchResult {
        Objects.requireNonNull(subscribers, "subscribers");
        Objects.requireNonNull(sharedGroups, "sharedGroups");
    }

    public boolean isEmpty() {
        return subscribers.isEmpty() && sharedGroups.isEmpty();
    }
}
