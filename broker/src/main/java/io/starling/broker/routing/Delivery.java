package io.starling.broker.routing;

import io.starling.broker.subscription.SharedGroup;
import io.starling.codec.QoS;

import java.util.List;

/**
 * One message on its way to one session: the message (holding one payload reference for this delivery), the QoS
 * it is delivered at (the minimum of the published QoS and the subscription's, [MQTT-3.8.4-8]), the RETAIN flag to
 * send, the subscription identifiers to attach ([MQTT-3.3.4-3]) and, for a shared subscription, the group it came
 * through so that it can be handed to another member if this one goes away.
 *
 * <p>{@code sequence} identifies the delivery in the store (increasing in the order messages reach the session), or
 * is 0 when it is not stored: the session is not persistent, the QoS is 0, or there is no store.
 */
public record Delivery(ApplicationMessage message, QoS qos, boolean retainFlag, List<Integer> subscriptionIdentifiers,
                       SharedGroup sharedGroup, long sequence) {

    /** A delivery not (yet) in the store. */
    public Delivery(ApplicationMessage message, QoS qos, boolean retainFlag, List<Integer> subscriptionIdentifiers,
                    SharedGroup sharedGroup) {
        this(message, qos, retainFlag, subscriptionIdentifiers, sharedGroup, 0);
    }

    /** This delivery under a store sequence. */
    public Delivery withSequence(long newSequence) {
        return new Delivery(message, qos, retainFlag, subscriptionIdentifiers, sharedGroup, newSequence);
    }

    public boolean isStored() {
        return sequence != 0;
    }
}
