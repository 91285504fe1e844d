package io.starling.broker.storage;

/** Where a message for a session stands. */
public enum DeliveryState {
    /** Not sent yet (queued beyond the in-flight window, or the client is offline). */
    QUEUED,
    /** QoS 1 sent with a packet identifier, PUBACK outstanding. */
    AWAITING_PUBACK,
    /** QoS 2 sent, PUBREC outstanding. */
    AWAITING_PUBREC,
    /** QoS 2 PUBREC received, PUBREL sent, PUBCOMP outstanding: the message itself may be dropped. */
    AWAITING_PUBCOMP
}
