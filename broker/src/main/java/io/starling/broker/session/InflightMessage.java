package io.starling.broker.session;

import io.starling.broker.routing.Delivery;
import io.starling.broker.storage.DeliveryState;

/**
 * A QoS 1 or 2 PUBLISH sent to the client and not yet completely acknowledged ([MQTT-4.4.0-1]: resent on
 * reconnect). In {@link State#AWAITING_PUBCOMP} the message itself is no longer needed, only its identifier.
 */
final class InflightMessage {
    enum State {
        AWAITING_PUBACK(DeliveryState.AWAITING_PUBACK),
        AWAITING_PUBREC(DeliveryState.AWAITING_PUBREC),
        AWAITING_PUBCOMP(DeliveryState.AWAITING_PUBCOMP);

        final DeliveryState stored;

        State(DeliveryState stored) {
            this.stored = stored;
        }
    }

    final int packetId;
    /** The delivery's sequence in the store, or 0 when it is not stored. */
    final long sequence;
    Delivery delivery; // null once PUBREC arrived: the payload reference is released then
    State state;
    /** Whether it went out on the connection attached now; false for messages awaiting resend after a reconnect. */
    boolean sentOnThisConnection = true;
    /**
     * True while the store is writing its new state: its next packet (the first QoS 2 PUBLISH, or PUBREL) waits
     * for that write, so that after a crash the broker never sends the client anything its own store forgot.
     */
    boolean awaitingStore;

    InflightMessage(int packetId, Delivery delivery, State state) {
        this.packetId = packetId;
        this.delivery = delivery;
        this.sequence = delivery == null ? 0 : delivery.sequence();
        this.state = state;
    }

    InflightMessage(int packetId, long sequence, State state) {
        this.packetId = packetId;
        this.delivery = null;
        this.sequence = sequence;
        this.state = state;
    }
}
