package io.starling.broker.routing;

import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.persistence.Persistence;
import io.starling.broker.retained.RetainedMessages;
import io.starling.broker.session.Session;
import io.starling.broker.session.SessionRegistry;
import io.starling.broker.session.SharedDeliveryHandback;
import io.starling.broker.storage.StoreOperation;
import io.starling.broker.storage.StoredMessage;
import io.starling.broker.subscription.MatchResult;
import io.starling.broker.subscription.SharedGroup;
import io.starling.broker.subscription.SharedMember;
import io.starling.broker.subscription.SubscriberMatch;
import io.starling.broker.subscription.SubscriptionIndex;
import io.starling.codec.QoS;
import io.starling.codec.packet.SubscriptionOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Routes application messages: finds every matching subscription through the index (never a scan), and hands one
 * {@link Delivery} to each subscribing session, plus one to a single member of each matching shared subscription
 * group ([MQTT-4.8.2]). A message is routed in two steps ({@link #route}, then {@link RoutedMessage#dispatch}) so
 * that what must be stored first - its retained copy, its deliveries to persistent sessions - is on disk before
 * anyone receives it or its publisher is acknowledged.
 *
 * <p>Runs on the publisher's executor; sessions are reached only through {@link Session#post}, so no lock is taken
 * on the publish path.
 */
public final class Router implements SharedDeliveryHandback {
    private final SubscriptionIndex subscriptions;
    private final SessionRegistry sessions;
    private final RetainedMessages retained;
    private final BrokerMetrics metrics;
    private final Persistence persistence;

    public Router(SubscriptionIndex subscriptions, SessionRegistry sessions, RetainedMessages retained,
                  BrokerMetrics metrics, Persistence persistence) {
        this.subscriptions = subscriptions;
        this.sessions = sessions;
        this.retained = retained;
        this.metrics = metrics;
        this.persistence = persistence;
    }

    public RetainedMessages retained() {
        return retained;
    }

    public Persistence persistence() {
        return persistence;
    }

    /**
     * Finds the receivers of a message and prepares its deliveries; takes over the caller's payload reference. The
     * caller writes {@link RoutedMessage#storeOperations()} (its retained copy, and its deliveries to persistent
     * sessions), then dispatches the message, or discards it when that write failed. Nothing is delivered before.
     */
    public RoutedMessage route(ApplicationMessage message) {
        try {
            MatchResult match = subscriptions.match(message.topic(), message.publisherClientId());
            StoredForm stored = new StoredForm(message);
            if (message.retain() && persistence.isEnabled()) {
                stored.operations().add(message.payload().isReadable()
                        ? new StoreOperation.PutRetained(stored.message())
                        : new StoreOperation.RemoveRetained(message.topic()));
            }
            List<RoutedMessage.Target> targets =
                    new ArrayList<>(match.subscribers().size() + match.sharedGroups().size());
            for (SubscriberMatch subscriber : match.subscribers()) {
                Session session = sessions.get(subscriber.clientId());
                if (session == null) {
                    continue;
                }
                // [MQTT-3.3.1-9] / [MQTT-3.3.1-12]: RETAIN is kept only for Retain As Published subscriptions.
                boolean retainFlag = message.retain() && subscriber.retainAsPublished();
                Delivery delivery = new Delivery(message.retainPayload(), QoS.min(message.qos(), subscriber.qos()),
                        retainFlag, subscriber.subscriptionIdentifiers(), null);
                targets.add(new RoutedMessage.Target(session, stored.deliveryTo(session, delivery)));
            }
            for (SharedGroup group : match.sharedGroups()) {
                SharedMember member = chooseMember(group, null, false);
                Session session = member == null ? null : sessions.get(member.clientId());
                if (session == null) {
                    continue;
                }
                boolean retainFlag = message.retain() && member.options().retainAsPublished();
                Delivery delivery = new Delivery(message.retainPayload(),
                        QoS.min(message.qos(), member.options().maximumQos()), retainFlag, identifiers(member), group);
                targets.add(new RoutedMessage.Target(session, stored.deliveryTo(session, delivery)));
            }
            return new RoutedMessage(message, targets, stored.operationsOrEmpty(), targets.size(), this);
        } catch (RuntimeException e) {
            message.releasePayload();
            throw e;
        }
    }

    /**
     * Publishes a message nobody waits to have acknowledged (a will): its store writes are made, and it is
     * dispatched on {@code executor} once they are done, or at once when there are none. A failed write is logged
     * and counted; the message is still delivered to whoever is online. Takes over the caller's payload reference;
     * returns how many subscriptions receive it.
     */
    public int publish(ApplicationMessage message, Executor executor) {
        RoutedMessage routed = route(message);
        if (routed.storeOperations().isEmpty()) {
            routed.dispatch();
        } else {
            persistence.write(routed.storeOperations())
                    .whenComplete((ignored, error) -> executor.execute(routed::dispatch));
        }
        return routed.receivers();
    }

    /** Sends the retained messages matching a new subscription to its session ([MQTT-3.8.4-4]); RETAIN set. */
    public void sendRetained(Session session, String topicFilter, SubscriptionOptions options,
                             int subscriptionIdentifier) {
        List<Integer> identifiers = subscriptionIdentifier == 0 ? List.of() : List.of(subscriptionIdentifier);
        List<ApplicationMessage> matches = retained.match(topicFilter);
        if (matches.isEmpty()) {
            return;
        }
        List<Delivery> deliveries = new ArrayList<>(matches.size());
        for (ApplicationMessage message : matches) {
            deliveries.add(new Delivery(message, QoS.min(message.qos(), options.maximumQos()), true, identifiers,
                    null));
        }
        session.postRetained(deliveries);
    }

    /**
     * Moves a shared-subscription delivery from a member that went away to another online member. In the store
     * the move is one atomic batch (out of the old session, into the new one), so a crash leaves it in one place
     * or the other, never in neither.
     */
    @Override
    public void redistribute(Delivery delivery, String fromClientId) {
        SharedGroup group = delivery.sharedGroup();
        SharedMember member = chooseMember(group, fromClientId, true);
        Session session = member == null ? null : sessions.get(member.clientId());
        if (session != null) {
            Delivery moved = new Delivery(delivery.message(),
                    QoS.min(delivery.message().qos(), member.options().maximumQos()), delivery.retainFlag(),
                    identifiers(member), group);
            List<StoreOperation> operations = new ArrayList<>(2);
            if (delivery.isStored()) {
                operations.add(new StoreOperation.RemoveDelivery(fromClientId, delivery.sequence()));
            }
            if (moved.qos() != QoS.AT_MOST_ONCE && session.isStored() && persistence.isEnabled()) {
                moved = moved.withSequence(persistence.nextSequence());
                operations.add(new StoreOperation.PutDelivery(session.clientId(),
                        Persistence.queued(moved, Persistence.stored(moved.message()))));
            }
            persistence.writeInBackground(operations);
            session.post(moved);
            return;
        }
        // No other member is online: the message stays with the session it was meant for, as an ordinary
        // queued message (under the same sequence in the store), unless that session is gone.
        Session original = sessions.get(fromClientId);
        if (original != null && !original.isEnded()) {
            original.post(new Delivery(delivery.message(), delivery.qos(), delivery.retainFlag(),
                    delivery.subscriptionIdentifiers(), null, delivery.sequence()));
        } else {
            metrics.messageDroppedQueueFull();
            if (delivery.isStored()) {
                persistence.writeInBackground(new StoreOperation.RemoveDelivery(fromClientId, delivery.sequence()));
            }
            delivery.message().releasePayload();
        }
    }

    /**
     * The stored form of one message and the operations that store it, built only when a persistent session
     * receives it at QoS 1 or 2 or it is retained: the in-memory path allocates none of this.
     */
    private final class StoredForm {
        private final ApplicationMessage message;
        private StoredMessage storedMessage;
        private List<StoreOperation> operations;

        StoredForm(ApplicationMessage message) {
            this.message = message;
        }

        StoredMessage message() {
            if (storedMessage == null) {
                storedMessage = Persistence.stored(message);
            }
            return storedMessage;
        }

        List<StoreOperation> operations() {
            if (operations == null) {
                operations = new ArrayList<>(4);
            }
            return operations;
        }

        List<StoreOperation> operationsOrEmpty() {
            return operations == null ? List.of() : operations;
        }

        /** The delivery, under a new sequence and with its PutDelivery when the session keeps it in the store. */
        Delivery deliveryTo(Session session, Delivery delivery) {
            if (delivery.qos() == QoS.AT_MOST_ONCE || !session.isStored() || !persistence.isEnabled()) {
                return delivery;
            }
            Delivery numbered = delivery.withSequence(persistence.nextSequence());
            operations().add(new StoreOperation.PutDelivery(session.clientId(),
                    Persistence.queued(numbered, message())));
            return numbered;
        }
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
