package io.starling.broker.session;

import io.starling.broker.routing.Delivery;

/** Where a session hands back messages of a shared subscription it can no longer deliver. */
@FunctionalInterface
public interface SharedDeliveryHandback {
    /** Offers the delivery to another member of its group; takes over the delivery's payload reference. */
    void redistribute(Delivery delivery, String fromClientId);
}
