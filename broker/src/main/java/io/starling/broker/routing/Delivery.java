package io.starling.broker.routing;

import io.starling.broker.subscription.SharedGroup;
import io.starling.codec.QoS;

import java.util.List;

/**
 * One message on its way to one session: the message (holding one payload reference for this delivery), the QoS
 * it is delivered at (the minimum of the published QoS and the subscription's, [MQTT-3.8.4-8]), the RETAIN flag to
 * send, the subscription identifiers to attach ([MQTT-3.3.4-3]) and, for a shared subscription, the group it came
 * through so that it can be handed to another member if this one goes away.
 */
public record Delivery(ApplicationMessage message, QoS qos, boolean retainFlag, List<Integer> subscriptionIdentifiers,
                       SharedGroup sharedGroup) {
}
