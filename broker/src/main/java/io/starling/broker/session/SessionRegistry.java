package io.starling.broker.session;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.starling.broker.config.SessionConfig;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.persistence.Persistence;
import io.starling.broker.storage.StoreOperation;
import io.starling.broker.subscription.SubscriptionIndex;
import io.starling.codec.packet.Will;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    /** Publishes a will on behalf of a session that ended with one pending. */
    @FunctionalInterface
    public interface WillPublisher {
        void publish(String clientId, Will will);
    }

    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final EventExecutor[] executors;
    private final SessionConfig config;
    private final BrokerMetrics metrics;
    private final SubscriptionIndex subscriptionIndex;
    private final Persistence persistence;
    private SharedDeliveryHandback sharedHandback;
    private WillPublisher willPublisher;

    public SessionRegistry(EventLoopGroup group, SessionConfig config, BrokerMetrics metrics,
                           SubscriptionIndex subscriptionIndex, Persistence persistence) {
        List<EventExecutor> loops = new ArrayList<>();
        group.forEach(loops::add);
        this.executors = loops.toArray(new EventExecutor[0]);
        this.config = config;
        this.metrics = metrics;
        this.subscriptionIndex = subscriptionIndex;
        this.persistence = persistence;
    }

    /** Set once at assembly, before any connection: the router that takes back shared-subscription messages. */
    public void sharedHandback(SharedDeliveryHandback handback) {
        this.sharedHandback = handback;
    }

    /** Set once at assembly, before any connection: how the will of an ending session is published. */
    public void willPublisher(WillPublisher publisher) {
        this.willPublisher = publisher;
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
        Session session = new Session(clientId, executorFor(clientId), config, metrics, sharedHandback, persistence);
        Session previous = sessions.put(clientId, session);
        if (previous != null) {
            throw new IllegalStateException("session for " + clientId + " replaced without being removed");
        }
        return session;
    }

    /**
     * Arms the session's expiry: when it fires, the session ends if it is still offline and still the one
     * registered for its client identifier. Call on the session's executor.
     */
    public void expireAfter(Session session, long seconds) {
        session.scheduleExpiry(seconds, () -> {
            if (!session.isOnline() && sessions.get(session.clientId()) == session) {
                LOG.info("Session expired: id={}", session.clientId());
                end(session);
            }
        });
    }

    /**
     * Ends a session for good, on its executor: a will still waiting for its delay is published now
     * ([MQTT-3.1.3-9]: the session ended), and the session is removed, from the store too.
     */
    public void end(Session ending) {
        Will pending = ending.takePendingWill();
        remove(ending);
        if (pending != null && willPublisher != null) {
            willPublisher.publish(ending.clientId(), pending);
        }
    }

    /** Forgets a session: removes it and its subscriptions from the index and the store, releases what it holds. */
    public void remove(Session session) {
        sessions.remove(session.clientId(), session);
        for (SessionSubscription subscription : session.subscriptions().values()) {
            subscriptionIndex.unsubscribe(session.clientId(), subscription.topicFilter());
        }
        session.subscriptions().clear();
        if (session.isStored()) {
            persistence.writeInBackground(new StoreOperation.RemoveSession(session.clientId()));
        }
        session.end();
    }

    /** The broker stops: every session lets go of its memory, and the store keeps them all as they are. */
    public void releaseAllForShutdown() {
        for (Session session : sessions.values()) {
            session.releaseForShutdown();
        }
        sessions.clear();
    }

    public Collection<Session> all() {
        return sessions.values();
    }

    public int size() {
        return sessions.size();
    }
}
