package io.starling.codec.packet;

/** When retained messages are sent for a new subscription (MQTT 5.0 subscription option, [MQTT-3.8.3.1]). */
public enum RetainHandling {
    /** 0: send retained messages at the time of the subscribe. */
    SEND_ON_SUBSCRIBE,
    /** 1: send them only if the subscription did not already exist. */
    SEND_IF_NEW_SUBSCRIPTION,
    /** 2: do not send them. */
    DO_NOT_SEND;

    private static final RetainHandling[] BY_VALUE = values();

    public int value() {
        return ordinal();
    }

    public static RetainHandling of(int value) {
        return BY_VALUE[value];
    }
}
