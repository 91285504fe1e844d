package io.starling.broker.session;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.starling.broker.config.SessionConfig;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.subscription.SubscriptionIndex;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All sessions by client identifier, and the rule that places each on an executor: the executor is a pure function
 * of the client identifier, so every connection that ever uses an identifier, and every takeover between two of
 * them, is handled on the same thread without locks ([MQTT-3.1.4-2] takeover is then a sequential step).
 */
public final class SessionRegistry {
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final EventExecutor[] executors;
    private final SessionConfig config;
    private final BrokerMetrics metrics;
    private final SubscriptionIndex subscriptionIndex;
    private SharedDeliveryHandback sharedHandback;

    public SessionRegistry(EventLoopGroup group, SessionConfig config, BrokerMetrics metrics,
                           SubscriptionIndex subscriptionIndex) {
        List<EventExecutor> loops = new ArrayList<>();
        group.forEach(loops::add);
        this.executors = loops.toArray(new EventExecutor[0]);
        this.config = config;
        this.metrics = metrics;
        this.subscriptionIndex = subscriptionIndex;
    }

    /** Set once at assembly, before any connection: the router that takes back shared-subscription messages. */
    public void sharedHandback(SharedDeliveryHandback handback) {
        this.sharedHandback = handback;
    }

    public EventExecutor executorFor(String clientId) {
        return executors[Math.floorMod(clientId.hashCode(), executors.length)];
    }

    /** The session for a client identifier, or null. Safe from any thread. */
    public Session get(String clientId) {
        return sessions.get(clientId);
    }

    /** Creates and registers a new session; call on {@link #executorFor(String)} after removing any old one. */
    public Session create(String clientId) {
        Session session = new Session(clientId, executorFor(clientId), config, metrics, sharedHandback);
        Session previous = sessions.put(clientId, session);
        if (previous != null) {
            throw new IllegalStateException("session for " + clientId + " replaced without being removed");
        }
        return session;
    }

    /** Ends a session: forgets it, removes its subscriptions from the index and releases what it holds. */
    public void remove(Session session) {
        sessions.remove(session.clientId(), session);
        for (SessionSubscription subscription : session.subscriptions().values()) {
            subscriptionIndex.unsubscribe(session.clientId(), subscription.topicFilter());
        }
        session.subscriptions().clear();
        session.end();
    }

    public Collection<Session> all() {
        return sessions.values();
    }

    public int size() {
        return sessions.size();
    }
}
