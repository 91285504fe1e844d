package io.starling.broker.storage;

/**
 * One change of durable state. A batch of them is applied atomically by {@link BrokerStore#write}.
 */
public sealed interface StoreOperation {

    /** Creates or replaces a session's own fields. */
    record PutSession(StoredSession session) implements StoreOperation {
    }

    /** Removes a session and everything that belongs to it: subscriptions, deliveries, inbound QoS 2 ids. */
    record RemoveSession(String clientId) implements StoreOperation {
    }

    record PutSubscription(String clientId, StoredSubscription subscription) implements StoreOperation {
    }

    record RemoveSubscription(String clientId, String topicFilter) implements StoreOperation {
    }

    /** Adds a delivery, or replaces the one with the same sequence. */
    record PutDelivery(String clientId, StoredDelivery delivery) implements StoreOperation {
    }

    /** Moves a delivery to a new state and packet identifier; the message is dropped in AWAITING_PUBCOMP. */
    record UpdateDelivery(String clientId, long sequence, int packetId, DeliveryState state)
            implements StoreOperation {
    }

    record RemoveDelivery(String clientId, long sequence) implements StoreOperation {
    }

    /** A QoS 2 packet identifier received from the client and not yet released by PUBREL. */
    record PutInboundQos2(String clientId, int packetId) implements StoreOperation {
    }

    record RemoveInboundQos2(String clientId, int packetId) implements StoreOperation {
    }

    /** Stores or replaces the retained message of {@code message.topic()}. */
    record PutRetained(StoredMessage message) implements StoreOperation {
    }

    record RemoveRetained(String topic) implements StoreOperation {
    }
}
