package io.starling.broker.routing;

import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.retained.RetainedMessages;
import io.starling.broker.session.Session;
import io.starling.broker.session.SessionRegistry;
import io.starling.broker.session.SharedDeliveryHandback;
import io.starling.broker.subscription.MatchResult;
import io.starling.broker.subscription.SharedGroup;
import io.starling.broker.subscription.SharedMember;
import io.starling.broker.subscription.SubscriberMatch;
import io.starling.broker.subscription.SubscriptionIndex;
import io.starling.codec.QoS;
import io.starling.codec.packet.SubscriptionOptions;

import java.util.List;

/**
 * Routes application messages: updates the retained store, finds every matching subscription through the index
 * (never a scan), and hands one {@link Delivery} to each subscribing session, plus one to a single member of each
 * matching shared subscription group ([MQTT-4.8.2]).
 *
 * <p>Runs on the publisher's executor; sessions are reached only through {@link Session#post}, so no lock is taken
 * on the publish path.
 */
public final class Router implements SharedDeliveryHandback {
    private final SubscriptionIndex subscriptions;
    private final SessionRegistry sessions;
    private final RetainedMessages retained;
    private final BrokerMetrics metrics;

    public Router(SubscriptionIndex subscriptions, SessionRegistry sessions, RetainedMessages retained,
                  BrokerMetrics metrics) {
        this.subscriptions = subscriptions;
        this.sessions = sessions;
        this.retained = retained;
        this.metrics = metrics;
    }

    public RetainedMessages retained() {
        return retained;
    }

    /**
     * Publishes a message. Takes over the caller's payload reference. Returns how many subscriptions (shared groups
     * counting once) it was handed to, so that MQTT 5 acknowledgements can say 0x10 No matching subscribers.
     */
    public int publish(ApplicationMessage message) {
        try {
            if (message.retain()) {
                retained.store(message);
            }
            MatchResult match = subscriptions.match(message.topic(), message.publisherClientId());
            int delivered = 0;
            for (SubscriberMatch subscriber : match.subscribers()) {
                Session session = sessions.get(subscriber.clientId());
                if (session == null) {
                    continue;
                }
                // [MQTT-3.3.1-9] / [MQTT-3.3.1-12]: RETAIN is kept only for Retain As Published subscriptions.
                boolean retainFlag = message.retain() && subscriber.retainAsPublished();
                session.post(new Delivery(message.retainPayload(), QoS.min(message.qos(), subscriber.qos()),
                        retainFlag, subscriber.subscriptionIdentifiers(), null));
                delivered++;
            }
            for (SharedGroup group : match.sharedGroups()) {
                if (deliverToGroup(group, message, null)) {
                    delivered++;
                }
            }
            return delivered;
        } finally {
            message.releasePayload();
        }
    }

    /** Sends the retained messages matching a new subscription to its session ([MQTT-3.8.4-4]); RETAIN set. */
    public void sendRetained(Session session, String topicFilter, SubscriptionOptions options,
                             int subscriptionIdentifier) {
        List<Integer> identifiers = subscriptionIdentifier == 0 ? List.of() : List.of(subscriptionIdentifier);
        for (ApplicationMessage message : retained.match(topicFilter)) {
            session.post(new Delivery(message, QoS.min(message.qos(), options.maximumQos()), true, identifiers,
                    null));
        }
    }

    @Override
    public void redistribute(Delivery delivery, String fromClientId) {
        SharedGroup group = delivery.sharedGroup();
        SharedMember member = chooseMember(group, fromClientId, true);
        if (member != null) {
            Session session = sessions.get(member.clientId());
            if (session != null) {
                session.post(new Delivery(delivery.message(),
                        QoS.min(delivery.message().qos(), member.options().maximumQos()), delivery.retainFlag(),
                        identifiers(member), group));
                return;
            }
        }
        // No other member is online: the message stays with the session it was meant for, as an ordinary
        // queued message, unless that session is gone.
        Session original = sessions.get(fromClientId);
        if (original != null && !original.isEnded()) {
            original.post(new Delivery(delivery.message(), delivery.qos(), delivery.retainFlag(),
                    delivery.subscriptionIdentifiers(), null));
        } else {
            metrics.messageDroppedQueueFull();
            delivery.message().releasePayload();
        }
    }

    private boolean deliverToGroup(SharedGroup group, ApplicationMessage message, String excludedClientId) {
        SharedMember member = chooseMember(group, excludedClientId, false);
        if (member == null) {
            return false;
        }
        Session session = sessions.get(member.clientId());
        if (session == null) {
            return false;
        }
        boolean retainFlag = message.retain() && member.options().retainAsPublished();
        session.post(new Delivery(message.retainPayload(), QoS.min(message.qos(), member.options().maximumQos()),
                retainFlag, identifiers(member), group));
        return true;
    }

    private static List<Integer> identifiers(SharedMember member) {
        return member.subscriptionIdentifier() == 0 ? List.of() : List.of(member.subscriptionIdentifier());
    }

    /**
     * Round robin over the group, preferring members that are online with room in their in-flight window, then any
     * online member, then (unless {@code onlineOnly}) any member, whose session queues the message.
     */
    private SharedMember chooseMember(SharedGroup group, String excludedClientId, boolean onlineOnly) {
        List<SharedMember> members = group.members();
        int size = members.size();
        if (size == 0) {
            return null;
        }
        int start = group.nextStartIndex();
        SharedMember online = null;
        SharedMember any = null;
        for (int i = 0; i < size; i++) {
            SharedMember member = members.get((start + i) % size);
            if (member.clientId().equals(excludedClientId)) {
                continue;
            }
            Session session = sessions.get(member.clientId());
            if (session == null) {
                continue;
            }
            if (session.isOnline()) {
                if (!session.isWindowFull()) {
                    return member;
                }
                if (online == null) {
                    online = member;
                }
            } else if (any == null) {
                any = member;
            }
        }
        if (online != null) {
            return online;
        }
        return onlineOnly ? null : any;
    }
}
