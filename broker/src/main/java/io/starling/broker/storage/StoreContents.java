package io.starling.broker.storage;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a store holds, as read at start.
 *
 * @param highestSequence the highest delivery sequence in the store, those left on disk included (0 when none):
 *                        new deliveries are numbered above it
 */
public record StoreContents(Map<String, RestoredSession> sessions, List<StoredMessage> retained,
                            long highestSequence) {

    /** Contents whose deliveries are all loaded: the highest sequence is theirs. */
    public StoreContents(Map<String, RestoredSession> sessions, List<StoredMessage> retained) {
        this(sessions, retained, sessions.values().stream()
                .flatMap(session -> session.deliveries().stream())
                .mapToLong(StoredDelivery::sequence).max().orElse(0));
    }

    /**
     * A session with what belongs to it; deliveries in sequence order.
     *
     * @param deliveriesOnDisk   deliveries of the session beyond those loaded (all QUEUED, with sequences above the
     *                           loaded ones), left on disk
     * @param payloadBytesOnDisk their payload bytes, for the session's queue limit
     */
    public record RestoredSession(StoredSession session, List<StoredSubscription> subscriptions,
                                  List<StoredDelivery> deliveries, Set<Integer> inboundQos2, long deliveriesOnDisk,
                                  long payloadBytesOnDisk) {

        /** Every delivery loaded. */
        public RestoredSession(StoredSession session, List<StoredSubscription> subscriptions,
                               List<StoredDelivery> deliveries, Set<Integer> inboundQos2) {
            this(session, subscriptions, deliveries, inboundQos2, 0, 0);
        }
    }
}
