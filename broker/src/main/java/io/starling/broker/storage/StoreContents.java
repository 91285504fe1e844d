package io.starling.broker.storage;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Everything a store holds, as read at start. */
public record StoreContents(Map<String, RestoredSession> sessions, List<StoredMessage> retained) {

    /** A session with what belongs to it; deliveries in sequence order. */
    public record RestoredSession(StoredSession session, List<StoredSubscription> subscriptions,
                                  List<StoredDelivery> deliveries, Set<Integer> inboundQos2) {
    }
}
