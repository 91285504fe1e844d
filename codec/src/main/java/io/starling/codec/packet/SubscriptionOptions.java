package io.starling.codec.packet;

import io.starling.codec.QoS;

import java.util.Objects;

/**
 * The options byte of one SUBSCRIBE entry ([MQTT-3.8.3.1]). MQTT 3.x carries only the maximum QoS; the other
 * options then take their 3.x meaning: no-local false, retain-as-published false, retain handling 0.
 */
public record SubscriptionOptions(QoS maximumQos, boolean noLocal, boolean retainAsPublished,
                                  RetainHandling retainHandling) {
    public SubscriptionOptions {
        Objects.requireNonNull(maximumQos, "maximumQos");
        Objects.requireNonNull(retainHandling, "retainHandling");
    }

    /** Options as MQTT 3.x expresses them: a QoS only. */
    public static SubscriptionOptions of(QoS maximumQos) {
        return new SubscriptionOptions(maximumQos, false, false, RetainHandling.SEND_ON_SUBSCRIBE);
    }
}
