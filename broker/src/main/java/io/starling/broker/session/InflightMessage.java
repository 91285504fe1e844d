package io.starling.broker.session;

import io.starling.broker.routing.Delivery;

/**
 * A QoS 1 or 2 PUBLISH sent to the client and not yet completely acknowledged ([MQTT-4.4.0-1]: resent on
 * reconnect). In {@link State#AWAITING_PUBCOMP} the message itself is no longer needed, only its identifier.
 */
final class InflightMessage {
    enum State { AWAITING_PUBACK, AWAITING_PUBREC, AWAITING_PUBCOMP }

    final int packetId;
    Delivery delivery; // null once PUBREC arrived: the payload reference is released then
    State state;
    /** Whether it went out on the connection attached now; false for messages awaiting resend after a reconnect. */
    boolean sentOnThisConnection = true;

    InflightMessage(int packetId, Delivery delivery, State state) {
        this.packetId = packetId;
        this.delivery = delivery;
        this.state = state;
    }
}
