package io.starling.broker.config;

/**
 * Protocol features that can be switched off; MQTT 5 clients are told in CONNACK which are available.
 *
 * @param maximumQos                     the highest QoS the broker accepts and grants (0..2). Default 2.
 * @param retainAvailable                whether retained messages are supported. Default true.
 * @param wildcardSubscriptionsAvailable whether filters with '+' and '#' are accepted. Default true.
 * @param sharedSubscriptionsAvailable   whether {@code $share/...} filters are accepted. Default true.
 * @param subscriptionIdentifiersAvailable whether MQTT 5 subscription identifiers are accepted. Default true.
 */
public record FeatureConfig(int maximumQos, boolean retainAvailable, boolean wildcardSubscriptionsAvailable,
                            boolean sharedSubscriptionsAvailable, boolean subscriptionIdentifiersAvailable) {
    public static final FeatureConfig DEFAULT = new FeatureConfig(2, true, true, true, true);

    public FeatureConfig {
        if (maximumQos < 0 || maximumQos > 2) {
            throw new IllegalArgumentException("features.maximum-qos must be 0, 1 or 2: " + maximumQos);
        }
    }
}
