package io.starling.broker.persistence;

import io.starling.broker.config.SessionConfig;
import io.starling.broker.retained.RetainedMessages;
import io.starling.broker.routing.ApplicationMessage;
import io.starling.broker.routing.Router;
import io.starling.broker.session.Session;
import io.starling.broker.session.SessionRegistry;
import io.starling.broker.session.SessionSubscription;
import io.starling.broker.storage.StoreContents;
import io.starling.broker.storage.StoreOperation;
import io.starling.broker.storage.StoredDelivery;
import io.starling.broker.storage.StoredMessage;
import io.starling.broker.storage.StoredSession;
import io.starling.broker.storage.StoredSubscription;
import io.starling.broker.subscription.SubscriptionIndex;
import io.starling.codec.packet.Will;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Rebuilds the broker's state from the store at start, before any listener accepts a connection: retained messages,
 * persistent sessions with their subscriptions, queued and in-flight deliveries and inbound QoS 2 identifiers,
 * delayed wills and expiry timers. What expired while the broker was down is purged now: sessions past their
 * expiry (their delayed will is published, late), messages past their Message Expiry Interval ([MQTT-3.3.2-5]).
 *
 * <p>A session whose client was connected when the broker stopped counts as disconnected from the restart on.
 */
public final class StateRestorer {
    private static final Logger LOG = LoggerFactory.getLogger(StateRestorer.class);

    private final Persistence persistence;
    private final SessionRegistry sessions;
    private final SubscriptionIndex subscriptions;
    private final RetainedMessages retained;
    private final Router router;
    private final List<StoreOperation> purges = new ArrayList<>();
    /** Wills whose time came while the broker was down: published once every session is back to receive them. */
    private final List<Runnable> overdueWills = new ArrayList<>();
    private long highestSequence;
    private int queued;
    private int inflight;
    private int expiredSessions;
    private int expiredMessages;

    public StateRestorer(Persistence persistence, SessionRegistry sessions, SubscriptionIndex subscriptions,
                         RetainedMessages retained, Router router) {
        this.persistence = persistence;
        this.sessions = sessions;
        this.subscriptions = subscriptions;
        this.retained = retained;
        this.router = router;
    }

    /** Restores everything in {@code contents}; {@code nowMillis} is the wall-clock time of the restart. */
    public void restore(StoreContents contents, long nowMillis) {
        long started = System.nanoTime();
        for (StoredMessage message : contents.retained()) {
            restoreRetained(message, nowMillis);
        }
        int restoredSessions = 0;
        for (StoreContents.RestoredSession restored : contents.sessions().values()) {
            if (restoreSession(restored, nowMillis)) {
                restoredSessions++;
            }
        }
        persistence.continueSequencesAfter(Math.max(highestSequence, contents.highestSequence()));
        persistence.writeInBackground(purges);
        overdueWills.forEach(Runnable::run);
        LOG.info("Restored from the store: {} sessions ({} queued and {} in-flight messages), {} retained messages; "
                        + "purged {} expired sessions and {} expired messages ({} ms)", restoredSessions, queued,
                inflight, retained.size(), expiredSessions, expiredMessages,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private void restoreRetained(StoredMessage message, long nowMillis) {
        if (isExpired(message, nowMillis)) {
            expiredMessages++;
            purges.add(new StoreOperation.RemoveRetained(message.topic()));
            return;
        }
        ApplicationMessage restored = Persistence.restored(message);
        try {
            retained.store(restored);
        } finally {
            restored.releasePayload();
        }
    }

    private boolean restoreSession(StoreContents.RestoredSession restored, long nowMillis) {
        StoredSession record = restored.session();
        String clientId = record.clientId();
        long offlineSince = record.disconnectedAtMillis() == 0 ? nowMillis : record.disconnectedAtMillis();
        long expiry = record.expiryIntervalSeconds();
        boolean expires = expiry < SessionConfig.NEVER_EXPIRES;
        long expiresAt = offlineSince + TimeUnit.SECONDS.toMillis(expiry);
        for (StoredDelivery delivery : restored.deliveries()) {
            highestSequence = Math.max(highestSequence, delivery.sequence());
        }
        if (expires && expiresAt <= nowMillis) {
            expiredSessions++;
            purges.add(new StoreOperation.RemoveSession(clientId));
            if (record.delayedWill() != null) {
                // The session ended while the broker was down, so its will is due: late, but not lost.
                overdueWills.add(() -> publishWill(clientId, record.delayedWill(), nowMillis));
            }
            return false;
        }
        Session session = sessions.create(clientId);
        session.restore(record, offlineSince);
        for (StoredSubscription subscription : restored.subscriptions()) {
            subscriptions.subscribe(clientId, subscription.topicFilter(), subscription.options(),
                    subscription.subscriptionIdentifier());
            session.subscriptions().put(subscription.topicFilter(), new SessionSubscription(
                    subscription.topicFilter(), subscription.options(), subscription.subscriptionIdentifier()));
        }
        long lastLoaded = 0;
        for (StoredDelivery delivery : restored.deliveries()) {
            restoreDelivery(session, delivery, nowMillis);
            lastLoaded = delivery.sequence();
        }
        if (restored.deliveriesOnDisk() > 0) {
            session.restoreBacklog(restored.deliveriesOnDisk(), restored.payloadBytesOnDisk(), lastLoaded);
            queued += restored.deliveriesOnDisk();
        }
        restored.inboundQos2().forEach(session::restoreInboundQos2);
        restoreWill(session, record, nowMillis);
        if (expires) {
            sessions.expireAfter(session, Math.max(1, TimeUnit.MILLISECONDS.toSeconds(expiresAt - nowMillis + 999)));
        }
        return true;
    }

    private void restoreDelivery(Session session, StoredDelivery delivery, long nowMillis) {
        StoredMessage message = delivery.message();
        if (message != null && isExpired(message, nowMillis)) {
            expiredMessages++;
            purges.add(new StoreOperation.RemoveDelivery(session.clientId(), delivery.sequence()));
            return;
        }
        session.restoreDelivery(delivery, message == null ? null : Persistence.restored(message));
        switch (delivery.state()) {
            case QUEUED -> queued++;
            default -> inflight++;
        }
    }

    private void restoreWill(Session session, StoredSession record, long nowMillis) {
        Will will = record.delayedWill();
        if (will == null) {
            return;
        }
        long dueIn = record.willDueAtMillis() - nowMillis;
        if (dueIn <= 0) {
            overdueWills.add(() -> publishWill(session.clientId(), will, nowMillis)); // due while the broker was down
            session.storeRecordIfStored(); // the record without the will: a second restart does not publish it again
            return;
        }
        session.scheduleWill(will, TimeUnit.MILLISECONDS.toSeconds(dueIn + 999),
                () -> publishWill(session.clientId(), will, System.currentTimeMillis()));
    }

    private void publishWill(String clientId, Will will, long nowMillis) {
        LOG.info("Publishing the delayed will of {} on {}", clientId, will.topic());
        router.publish(ApplicationMessage.fromWill(will, clientId, nowMillis), sessions.executorFor(clientId));
    }

    private static boolean isExpired(StoredMessage message, long nowMillis) {
        return message.expiresAtMillis() != 0 && nowMillis >= message.expiresAtMillis();
    }
}
