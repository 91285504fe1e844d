package io.starling.broker.config;

/**
 * Protocol features that can be switched off; MQTT 5 clients are told in CONNACK which are available.
 *
 * @param maximumQos                     the highest QoS the broker accepts and grants (0..2). Default 2.
 * @param retainAvailable                whether retained messages are supported. Default true.
 * @param wildcardSubscriptionsAvailable whether filters with '+' and '#' are accepted. Default true.
 * @param sharedSubscriptionsAvailable   whether {@code $share/...} filters are accepted. Default true.
 * @param subscriptionIdentifiersAvailable whether MQTT 5 subscription identifiers are accepted. Default true.
 * @param responseInformation            the Response Information returned to MQTT 5 clients that ask for it
 *                                       (Request Response Information 1), as the base of their response topics;
 *                                       {@code %c} is replaced by the client identifier. Empty: none is offered
 *                                       ([MQTT-3.2.2-?] 5.0 section 4.10). Default empty.
 * @param maximumRetainedMessages        the most retained messages the broker keeps; a PUBLISH that would store one
 *                                       more is refused with 0x97 Quota exceeded (MQTT 5) or not retained (3.x).
 *                                       0: no limit. Default 0.
 */
public record FeatureConfig(int maximumQos, boolean retainAvailable, boolean wildcardSubscriptionsAvailable,
                            boolean sharedSubscriptionsAvailable, boolean subscriptionIdentifiersAvailable,
                            String responseInformation, int maximumRetainedMessages) {
    public static final FeatureConfig DEFAULT = new FeatureConfig(2, true, true, true, true, "", 0);

    public FeatureConfig {
        if (maximumQos < 0 || maximumQos > 2) {
            throw new IllegalArgumentException("features.maximum-qos must be 0, 1 or 2: " + maximumQos);
        }
        responseInformation = responseInformation == null ? "" : responseInformation;
        if (maximumRetainedMessages < 0) {
            throw new IllegalArgumentException("features.maximum-retained-messages must not be negative");
        }
    }

    /** The switchable features only; the rest at their defaults. */
    public FeatureConfig(int maximumQos, boolean retainAvailable, boolean wildcardSubscriptionsAvailable,
                         boolean sharedSubscriptionsAvailable, boolean subscriptionIdentifiersAvailable) {
        this(maximumQos, retainAvailable, wildcardSubscriptionsAvailable, sharedSubscriptionsAvailable,
                subscriptionIdentifiersAvailable, "", 0);
    }
}
