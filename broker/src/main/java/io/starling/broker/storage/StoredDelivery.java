package io.starling.broker.storage;

import io.starling.codec.QoS;

import java.util.List;
import java.util.Objects;

/**
 * One message on its way to one session, in the session's order ({@code sequence}, increasing per session).
 * {@code packetId} is 0 while {@link DeliveryState#QUEUED}. {@code message} may be null in
 * {@link DeliveryState#AWAITING_PUBCOMP}.
 */
public record StoredDelivery(long sequence, StoredMessage message, QoS qos, boolean retainFlag,
                             List<Integer> subscriptionIdentifiers, int packetId, DeliveryState state) {
    public StoredDelivery {
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(state, "state");
        subscriptionIdentifiers = List.copyOf(subscriptionIdentifiers);
    }
}
