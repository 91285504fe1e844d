package io.starling.broker.subscription;

import io.starling.codec.QoS;

import java.util.List;
import java.util.Objects;

/**
 * One client's aggregate over all its matching non-shared subscriptions for one PUBLISH: the maximum QoS of the
 * matching subscriptions ([MQTT-3.3.4-2], 3.1.1: [MQTT-3.3.5-1]), every non-zero Subscription Identifier among them
 * in ascending order without duplicates ([MQTT-3.3.4-3]), and whether any of them asked for Retain As Published.
 *
 * @param subscriptionIdentifiers unmodifiable
 */
public record SubscriberMatch(String clientId, QoS qos, boolean retainAsPublished,
                              List<Integer> subscriptionIdentifiers) {
    public SubscriberMatch {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(qos, "qos");
        // No copy for lists that are already immutable (List.of), which is what the index passes.
        subscriptionIdentifiers = List.copyOf(subscriptionIdentifiers);
    }
}
