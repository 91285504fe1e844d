package io.starling.broker.session;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.starling.broker.config.QueueOverflowPolicy;
import io.starling.broker.config.SessionConfig;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.persistence.Persistence;
import io.starling.broker.routing.ApplicationMessage;
import io.starling.broker.routing.Delivery;
import io.starling.broker.storage.DeliveryState;
import io.starling.broker.storage.StoreOperation;
import io.starling.broker.storage.StoredDelivery;
import io.starling.broker.storage.StoredSession;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.Publish;
import io.starling.codec.packet.PubRel;
import io.starling.codec.packet.Will;
import io.starling.codec.property.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The state the broker keeps for one client identifier ([MQTT-4.1]): its subscriptions, the QoS 1 and 2 messages
 * in flight to it, the messages queued for it, the QoS 2 packet identifiers it sent and has not yet released, and a
 * pending delayed will.
 *
 * <p>Threading: a session lives on one executor, chosen from its client identifier, for its whole life. Every
 * method here runs on that executor; other threads reach a session only through {@link #post(Delivery)}. The few
 * volatile fields are read from other threads only to choose a shared-subscription member.
 *
 * <p>Flow control: at most {@code min(session.maximum-inflight, client Receive Maximum)} QoS 1 and 2 PUBLISHes are
 * unacknowledged at once ([MQTT-4.9.0-2]); further ones wait in the queue, as do messages for an offline session.
 * The queue is bounded in messages and bytes; what does not fit is dropped by the configured policy, logged and
 * counted.
 *
 * <p>Storage: a persistent session ({@link #isStored()}) mirrors its state in the store through {@link Persistence}.
 * Deliveries arrive already stored when they carry a sequence (the publisher's acknowledgement waited for that);
 * the session records their progress, and holds back the packets that must not precede their record: the first
 * QoS 2 PUBLISH (its packet identifier) and PUBREL. Acknowledged messages are removed without waiting: losing such
 * a removal in a crash only means a redelivery, which QoS 1 allows and QoS 2's identifiers absorb.
 */
public final class Session {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private final String clientId;
    private final EventExecutor executor;
    private final SessionConfig config;
    private final BrokerMetrics metrics;
    private final SharedDeliveryHandback sharedHandback;
    private final Persistence persistence;

    private final Map<String, SessionSubscription> subscriptions = new HashMap<>();
    private final LinkedHashMap<Integer, InflightMessage> inflight = new LinkedHashMap<>();
    /**
     * In-flight messages still to be resent on the connection attached now, in the order first sent; entries whose
     * flow ended meanwhile are skipped when reached. With {@link #unsentCount} it keeps the resend and the window
     * check free of scans over the whole in-flight map, which may hold up to 65,535 entries.
     */
    private final ArrayDeque<InflightMessage> awaitingResend = new ArrayDeque<>();
    /** In-flight messages not sent on the connection attached now ({@code sentOnThisConnection} false). */
    private int unsentCount;
    private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
    private final Set<Integer> inboundAwaitingRelease = new HashSet<>();

    private OutboundChannel connection;
    private long queuedBytes;
    /** True while retained messages for a new subscription are handed in: they are not held to the queue limit. */
    private boolean retainedOnSubscribe;
    /**
     * Stored deliveries that live only on disk: the part of a persistent session's queue beyond
     * {@code session.queued-messages-in-memory}, read back a page at a time while the client is online.
     */
    private long backlogOnDisk;
    private long backlogBytesOnDisk;
    /** Disk-only deliveries have sequences above this one. */
    private long pageAfterSequence;
    private boolean pageReadPending;
    /** The lowest {@code sequence - 1} moved to disk while a page read was on its way: the next read starts there. */
    private long pagedOutDuringRead = Long.MAX_VALUE;
    /**
     * Sequences of the stored deliveries this session holds in memory, queued or in flight, and of those it has
     * finished whose removal from the store is not yet done: a page read skips them. (The store cannot tell: a QoS 1
     * message in flight is still QUEUED there until its connection goes away, and a removal is written later.)
     */
    private final Set<Long> storedInMemory = new HashSet<>();
    /** Removals of finished deliveries made during this event-loop turn, written together at its end. */
    private final List<StoreOperation> removals = new ArrayList<>();
    /** Drops since the queue last accepted a message: the first is logged, the rest only counted until it recovers. */
    private long dropsInARow;
    private int lastPacketId;
    private long expiryIntervalSeconds;
    private boolean ended;
    private ScheduledFuture<?> expiryTask;
    private Will pendingWill;
    private ScheduledFuture<?> willTask;
    private long willDueAtMillis;
    private long disconnectedAtMillis;

    // Read by other threads to pick a member of a shared subscription; written here only.
    private volatile boolean online;
    private volatile boolean windowFull;
    /** Whether the store keeps this session; read by publishers' threads to decide what to store. */
    private volatile boolean stored;

    Session(String clientId, EventExecutor executor, SessionConfig config, BrokerMetrics metrics,
            SharedDeliveryHandback sharedHandback, Persistence persistence) {
        this.persistence = persistence;
        this.clientId = clientId;
        this.executor = executor;
        this.config = config;
        this.metrics = metrics;
        this.sharedHandback = sharedHandback;
    }

    public String clientId() {
        return clientId;
    }

    public EventExecutor executor() {
        return executor;
    }

    public boolean isOnline() {
        return online;
    }

    /** Whether a QoS 1/2 message sent now would have to wait; read from other threads, so approximate. */
    public boolean isWindowFull() {
        return windowFull;
    }

    public boolean isEnded() {
        return ended;
    }

    public long expiryIntervalSeconds() {
        return expiryIntervalSeconds;
    }

    public void expiryIntervalSeconds(long seconds) {
        this.expiryIntervalSeconds = seconds;
    }

    public Map<String, SessionSubscription> subscriptions() {
        return subscriptions;
    }

    /** The connection attached now, or null while the client is offline. */
    public OutboundChannel attachedChannel() {
        return connection;
    }

    /** Messages queued for the client, in memory and on disk. */
    public long queuedMessageCount() {
        return queue.size() + backlogOnDisk;
    }

    /** The part of the queue that lives only on disk. */
    public long queuedOnDiskCount() {
        return backlogOnDisk;
    }

    public int inflightCount() {
        return inflight.size();
    }

    // ---- storage --------------------------------------------------------------------------------------------

    /** Whether the store keeps this session (it is persistent and the broker has a store). */
    public boolean isStored() {
        return stored;
    }

    /**
     * Writes the session's own record (expiry, delayed will, connection state) and, the first time, its
     * subscriptions: from now on the store keeps it. Returns the write, for a caller that must wait for it.
     */
    public java.util.concurrent.CompletionStage<Void> store() {
        List<StoreOperation> operations = new ArrayList<>(1 + (stored ? 0 : subscriptions.size()));
        operations.add(new StoreOperation.PutSession(storedForm()));
        if (!stored) {
            for (SessionSubscription subscription : subscriptions.values()) {
                operations.add(new StoreOperation.PutSubscription(clientId, Persistence.stored(subscription)));
            }
        }
        stored = persistence.isEnabled();
        return persistence.write(operations);
    }

    /** Rewrites the session's own record when the store keeps it (after a will was published, for instance). */
    public void storeRecordIfStored() {
        if (stored) {
            persistence.writeInBackground(new StoreOperation.PutSession(storedForm()));
        }
    }

    private StoredSession storedForm() {
        return new StoredSession(clientId, expiryIntervalSeconds, online ? 0 : disconnectedAtMillis, pendingWill,
                pendingWill == null ? 0 : willDueAtMillis, lastPacketId);
    }

    /** Removes a delivery's record, if it has one, and releases its payload reference: it will not be sent. */
    private void forget(Delivery delivery) {
        forgetRecord(delivery.sequence());
        delivery.message().releasePayload();
    }

    /**
     * Removes a finished delivery's record. Nobody waits for it (a removal lost in a crash only means a
     * redelivery), so the removals of one event-loop turn go to the store as one batch.
     */
    private void forgetRecord(long sequence) {
        if (sequence == 0) {
            return;
        }
        storedInMemory.add(sequence); // until its removal is written: see writeRemovals
        if (removals.isEmpty()) {
            executor.execute(this::writeRemovals);
        }
        removals.add(new StoreOperation.RemoveDelivery(clientId, sequence));
    }

    private void writeRemovals() {
        if (removals.isEmpty()) {
            return;
        }
        List<StoreOperation> batch = List.copyOf(removals);
        removals.clear();
        persistence.write(batch).whenComplete((ignored, error) -> {
            try {
                executor.execute(() -> batch.forEach(removal ->
                        storedInMemory.remove(((StoreOperation.RemoveDelivery) removal).sequence())));
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the broker stops: the session is gone with its sets
            }
        });
    }

    /**
     * Stores a QoS 1 or 2 delivery that reached this persistent session without a record (retained messages sent
     * on SUBSCRIBE, for instance); nobody waits for that write.
     */
    private Delivery storedIfKept(Delivery delivery) {
        if (!stored || delivery.isStored() || delivery.qos() == QoS.AT_MOST_ONCE) {
            return delivery;
        }
        Delivery numbered = delivery.withSequence(persistence.nextSequence());
        persistence.writeInBackground(new StoreOperation.PutDelivery(clientId,
                Persistence.queued(numbered, Persistence.stored(numbered.message()))));
        return numbered;
    }

    /** Writes an in-flight message's new state, then sends its next packet (see {@link InflightMessage#awaitingStore}). */
    private void storeThenSend(InflightMessage entry) {
        entry.awaitingStore = true;
        persistence.write(List.of(new StoreOperation.UpdateDelivery(clientId, entry.sequence, entry.packetId,
                        entry.state.stored)))
                .whenComplete((ignored, error) -> executor.execute(() -> sendAfterStore(entry, error)));
    }

    private void sendAfterStore(InflightMessage entry, Throwable error) {
        if (!entry.awaitingStore || inflight.get(entry.packetId) != entry) {
            return; // the flow ended meanwhile (session ended, or taken back on a failed PUBREC)
        }
        entry.awaitingStore = false;
        if (error != null) {
            // The store failed: the flow goes on without its record rather than stall; a crash now could repeat it.
            LOG.warn("Client {}: sending packet {} although its state could not be stored", clientId, entry.packetId);
        }
        if (connection == null) {
            markUnsent(entry); // goes out when the client is back
            return;
        }
        if (!entry.sentOnThisConnection) {
            entry.sentOnThisConnection = true;
            unsentCount--;
        }
        if (entry.state == InflightMessage.State.AWAITING_PUBCOMP) {
            connection.send(new PubRel(entry.packetId));
        } else {
            connection.send(toPublish(entry.delivery, entry.packetId, false, System.currentTimeMillis()));
        }
    }

    // ---- restore at start -----------------------------------------------------------------------------------

    /** Rebuilds the session's own state from its record; it counts as disconnected since {@code offlineSince}. */
    public void restore(StoredSession record, long offlineSince) {
        this.expiryIntervalSeconds = record.expiryIntervalSeconds();
        this.lastPacketId = record.nextPacketId();
        this.disconnectedAtMillis = offlineSince;
        this.stored = true;
    }

    /** Puts back a stored delivery, in sequence order; {@code message} holds the payload reference it takes over. */
    public void restoreDelivery(StoredDelivery record, ApplicationMessage message) {
        Delivery delivery = message == null ? null : new Delivery(message, record.qos(), record.retainFlag(),
                record.subscriptionIdentifiers(), null, record.sequence());
        switch (record.state()) {
            case QUEUED -> addToQueue(delivery);
            case AWAITING_PUBACK, AWAITING_PUBREC -> {
                InflightMessage entry = new InflightMessage(record.packetId(), delivery,
                        record.state() == DeliveryState.AWAITING_PUBACK ? InflightMessage.State.AWAITING_PUBACK
                                : InflightMessage.State.AWAITING_PUBREC);
                inflight.put(record.packetId(), entry);
                storedInMemory.add(record.sequence());
                markUnsent(entry);
            }
            case AWAITING_PUBCOMP -> {
                InflightMessage entry = new InflightMessage(record.packetId(), record.sequence(),
                        InflightMessage.State.AWAITING_PUBCOMP);
                inflight.put(record.packetId(), entry);
                storedInMemory.add(record.sequence());
                markUnsent(entry);
            }
        }
    }

    /** The part of the restored queue left on disk: {@code count} deliveries with sequences above {@code after}. */
    public void restoreBacklog(long count, long payloadBytes, long after) {
        this.backlogOnDisk = count;
        this.backlogBytesOnDisk = payloadBytes;
        metrics.messagesQueuedOnDisk(count);
        this.pageAfterSequence = after;
    }

    public void restoreInboundQos2(int packetId) {
        inboundAwaitingRelease.add(packetId);
    }

    // ---- delivery -------------------------------------------------------------------------------------------

    /** Hands a delivery to this session from any thread; the session takes over its payload reference. */
    public void post(Delivery delivery) {
        if (executor.inEventLoop()) {
            deliver(delivery);
        } else {
            executor.execute(() -> deliver(delivery));
        }
    }

    /**
     * Hands the retained messages matching a new subscription to this session, from any thread. They are sent as
     * the window allows, and wait beyond the queue limit if need be: they are the subscriber's starting state
     * ([MQTT-3.8.4-4]), not traffic to shed, and each holds only a reference to the retained store's own copy.
     */
    public void postRetained(List<Delivery> deliveries) {
        Runnable task = () -> {
            retainedOnSubscribe = true;
            try {
                deliveries.forEach(this::deliver);
            } finally {
                retainedOnSubscribe = false;
            }
        };
        if (executor.inEventLoop()) {
            task.run();
        } else {
            executor.execute(task);
        }
    }

    private void deliver(Delivery delivery) {
        if (ended) {
            forget(delivery);
            return;
        }
        if (delivery.message().isExpired(System.currentTimeMillis())) {
            metrics.messageDroppedExpired();
            forget(delivery);
            return;
        }
        // A delivery stored before it reached this session (the publisher's acknowledgement waited for the write)
        // may be left on disk; one this session is about to store must wait in memory until that write is done.
        boolean mayLiveOnDisk = delivery.isStored() && delivery.sharedGroup() == null;
        if (connection != null) {
            delivery = storedIfKept(delivery);
            // A slow reader gets nothing more written until its socket drains: messages wait in the bounded queue
            // rather than in an unbounded socket buffer, so one stalled subscriber cannot exhaust memory.
            boolean canWrite = queue.isEmpty() && connection.isWritable();
            if (canWrite && backlogOnDisk == 0 && (delivery.qos() == QoS.AT_MOST_ONCE || inflight.size() < window())) {
                send(delivery);
            } else {
                enqueue(delivery, mayLiveOnDisk);
            }
            return;
        }
        if (delivery.sharedGroup() != null) {
            sharedHandback.redistribute(delivery, clientId);
            return;
        }
        if (delivery.qos() == QoS.AT_MOST_ONCE && !config.queueQos0WhenOffline()) {
            // [MQTT-3.1.2-5]: QoS 0 messages MAY be queued for an offline session; by default they are not.
            metrics.messageDroppedQos0Offline();
            delivery.message().releasePayload();
            return;
        }
        enqueue(storedIfKept(delivery), mayLiveOnDisk);
    }

    private void enqueue(Delivery delivery, boolean mayLiveOnDisk) {
        int size = delivery.message().payloadSize();
        if (config.queueOverflowPolicy() == QueueOverflowPolicy.DROP_OLDEST) {
            while (!queue.isEmpty() && !fits(size)) {
                drop(pollQueue());
            }
        }
        if (!fits(size)) {
            drop(delivery);
            if (config.queueOverflowPolicy() == QueueOverflowPolicy.DISCONNECT && connection != null) {
                connection.queueOverflow();
            }
            return;
        }
        if (mayLiveOnDisk && (backlogOnDisk > 0 || queue.size() >= config.queuedMessagesInMemory())) {
            // Its record is on disk already: keep only the count, and read it back when the client gets to it.
            pageAfterSequence = backlogOnDisk == 0 ? delivery.sequence() - 1
                    : Math.min(pageAfterSequence, delivery.sequence() - 1);
            if (pageReadPending) {
                pagedOutDuringRead = Math.min(pagedOutDuringRead, delivery.sequence() - 1);
            }
            backlogOnDisk++;
            backlogBytesOnDisk += size;
            metrics.messagesQueuedOnDisk(1);
            delivery.message().releasePayload();
        } else {
            addToQueue(delivery);
        }
        if (dropsInARow > 0) {
            LOG.info("Queue of client {} accepts messages again after {} dropped", clientId, dropsInARow);
            dropsInARow = 0;
        }
    }

    private boolean fits(int size) {
        if (retainedOnSubscribe) {
            return true;
        }
        return queue.size() + backlogOnDisk < config.maximumQueuedMessages()
                && queuedBytes + backlogBytesOnDisk + size <= config.maximumQueuedBytes();
    }

    private void addToQueue(Delivery delivery) {
        queue.addLast(delivery);
        queuedBytes += delivery.message().payloadSize();
        if (delivery.isStored()) {
            storedInMemory.add(delivery.sequence());
        }
    }

    private Delivery pollQueue() {
        Delivery delivery = queue.pollFirst();
        queuedBytes -= delivery.message().payloadSize();
        return delivery; // still in memory (storedInMemory): it is sent, or forgotten, next
    }

    /**
     * Reads the next page of the disk-only part of the queue once the part in memory runs low, while the client is
     * online to take it. Nothing is read for an offline client: its queue waits on disk.
     */
    private void pageInIfLow() {
        if (backlogOnDisk == 0 || pageReadPending || connection == null
                || queue.size() > config.queuedMessagesInMemory() / 2) {
            return;
        }
        pageReadPending = true;
        int limit = config.queuedMessagesInMemory() - queue.size() + storedInMemory.size();
        long after = pageAfterSequence;
        persistence.readDeliveries(clientId, after, limit)
                .whenComplete((page, error) -> executor.execute(() -> onPage(page, error, limit)));
    }

    private void onPage(List<StoredDelivery> page, Throwable error, int limit) {
        pageReadPending = false;
        if (ended) {
            return;
        }
        if (error != null) {
            LOG.warn("Client {}: reading its queued messages from the store failed ({}); trying again in 1 s",
                    clientId, error.getMessage());
            executor.schedule(this::pageInIfLow, 1, TimeUnit.SECONDS);
            return;
        }
        long now = System.currentTimeMillis();
        int added = 0;
        for (StoredDelivery record : page) {
            pageAfterSequence = Math.max(pageAfterSequence, record.sequence());
            if (record.state() != DeliveryState.QUEUED || record.message() == null
                    || storedInMemory.contains(record.sequence())) {
                continue; // in flight or already in memory
            }
            if (backlogOnDisk > 0) {
                backlogOnDisk--;
                metrics.messagesQueuedOnDisk(-1);
            }
            backlogBytesOnDisk = Math.max(0, backlogBytesOnDisk - record.message().payload().length);
            Delivery delivery = new Delivery(Persistence.restored(record.message()), record.qos(),
                    record.retainFlag(), record.subscriptionIdentifiers(), null, record.sequence());
            if (delivery.message().isExpired(now)) {
                metrics.messageDroppedExpired();
                forget(delivery);
                continue;
            }
            addToQueue(delivery);
            added++;
        }
        // Deliveries that reached the session out of sequence order while the read was out may lie below it.
        boolean pagedOutMeanwhile = pagedOutDuringRead != Long.MAX_VALUE;
        pageAfterSequence = Math.min(pageAfterSequence, pagedOutDuringRead);
        pagedOutDuringRead = Long.MAX_VALUE;
        if (page.size() < limit && added == 0 && !pagedOutMeanwhile) {
            // The store has no more of them (removed with an ended flow, for instance): the count was stale.
            metrics.messagesQueuedOnDisk(-backlogOnDisk);
            backlogOnDisk = 0;
            backlogBytesOnDisk = 0;
        }
        drainQueue();
    }

    /** Discards a delivery that is in no queue any more: logged and counted, its reference released. */
    private void drop(Delivery delivery) {
        metrics.messageDroppedQueueFull();
        if (dropsInARow++ == 0) {
            // One line when a session starts dropping, not one per message: a stalled client must not flood the log.
            LOG.warn("Queue full for client {}: dropping messages ({} policy, {} messages / {} bytes queued)",
                    clientId, config.queueOverflowPolicy(), queue.size(), queuedBytes);
        }
        forget(delivery);
    }

    private int window() {
        return connection == null ? 0 : Math.min(config.maximumInflight(), connection.receiveMaximum());
    }

    private void send(Delivery delivery) {
        ApplicationMessage message = delivery.message();
        long now = System.currentTimeMillis();
        if (message.isExpired(now)) {
            metrics.messageDroppedExpired();
            forget(delivery);
            return;
        }
        int packetId = delivery.qos() == QoS.AT_MOST_ONCE ? 0 : nextPacketId();
        Publish publish = toPublish(delivery, packetId, false, now);
        if (connection.encodedSize(publish) > connection.maximumPacketSize()) {
            // [MQTT-3.1.2-25]: a packet larger than the client's Maximum Packet Size is discarded without sending,
            // as if its delivery had completed.
            metrics.messageDroppedTooLarge();
            publish.release();
            forget(delivery);
            return;
        }
        if (delivery.qos() == QoS.AT_MOST_ONCE) {
            connection.send(publish); // the write consumes the duplicate; the delivery's own reference goes with it
            message.releasePayload();
        } else {
            InflightMessage entry = new InflightMessage(packetId, delivery, delivery.qos() == QoS.AT_LEAST_ONCE
                    ? InflightMessage.State.AWAITING_PUBACK : InflightMessage.State.AWAITING_PUBREC);
            inflight.put(packetId, entry);
            if (entry.sequence != 0) {
                storedInMemory.add(entry.sequence);
            }
            updateWindowFlag();
            if (delivery.isStored() && delivery.qos() == QoS.EXACTLY_ONCE && persistence.isEnabled()) {
                // The identifier is stored before the client sees it: after a crash the PUBLISH is resent with the
                // same identifier, which the client recognises, and not delivered twice ([MQTT-4.3.3-10]).
                publish.release();
                storeThenSend(entry);
            } else {
                // A QoS 1 identifier is stored when the connection goes away (see detach), not per message: after
                // a crash the message is resent under a new identifier, a duplicate QoS 1 allows.
                connection.send(publish);
            }
        }
        metrics.messageDelivered();
    }

    /** Builds the PUBLISH for this client; the payload is a retained duplicate that the write will release. */
    private Publish toPublish(Delivery delivery, int packetId, boolean dup, long now) {
        ApplicationMessage message = delivery.message();
        MqttProperties properties = MqttProperties.EMPTY;
        if (connection.version() == MqttVersion.MQTT_5) {
            properties = message.properties();
            boolean expires = message.expiresAtMillis() != 0;
            if (expires || !delivery.subscriptionIdentifiers().isEmpty()) {
                MqttProperties.Builder builder = properties.toBuilder();
                if (expires) {
                    builder.messageExpiryInterval(message.remainingExpirySeconds(now)); // [MQTT-3.3.2-6]
                }
                delivery.subscriptionIdentifiers().forEach(builder::addSubscriptionIdentifier);
                properties = builder.build();
            }
        }
        return new Publish(message.topic(), delivery.qos(), delivery.retainFlag(), dup, packetId, properties,
                message.payload().retainedDuplicate());
    }

    private int nextPacketId() {
        // Identifiers in use stay reserved until their flow completes ([MQTT-2.2.1-3]); the window keeps at most
        // 65535 in use, so a free one exists.
        do {
            lastPacketId = lastPacketId == 65535 ? 1 : lastPacketId + 1;
        } while (inflight.containsKey(lastPacketId));
        return lastPacketId;
    }

    private void updateWindowFlag() {
        windowFull = inflight.size() >= window();
    }

    /**
     * In-flight messages not yet resent on this connection go out first, as acknowledgements free the window: a
     * client that reconnects with a smaller Receive Maximum never has more unacknowledged than it allows
     * ([MQTT-3.3.4-9], [MQTT-4.9.0-2]).
     */
    private void resendPending() {
        if (connection == null || unsentCount == 0) {
            return;
        }
        int outstanding = inflight.size() - unsentCount;
        long now = System.currentTimeMillis();
        while (outstanding < window() && !awaitingResend.isEmpty()) {
            InflightMessage entry = awaitingResend.pollFirst();
            if (inflight.get(entry.packetId) != entry || entry.sentOnThisConnection || entry.awaitingStore) {
                continue; // acknowledged meanwhile, or on its way once its store write is done
            }
            entry.sentOnThisConnection = true;
            unsentCount--;
            outstanding++;
            if (entry.state == InflightMessage.State.AWAITING_PUBCOMP) {
                connection.send(new PubRel(entry.packetId));
            } else {
                connection.send(toPublish(entry.delivery, entry.packetId, true, now));
            }
        }
    }

    /** The entry waits to be resent on the next connection. */
    private void markUnsent(InflightMessage entry) {
        if (entry.sentOnThisConnection) {
            entry.sentOnThisConnection = false;
            unsentCount++;
        }
        awaitingResend.addLast(entry);
    }

    /** Ends an in-flight flow: the entry leaves the map and, if it was still to be resent, the count. */
    private InflightMessage removeInflight(int packetId) {
        InflightMessage entry = inflight.remove(packetId);
        if (entry != null && !entry.sentOnThisConnection) {
            unsentCount--;
        }
        return entry; // its sequence leaves storedInMemory once its removal is written (forgetRecord)
    }

    /** The connection's socket drained below its low-water mark: send what waited. */
    public void onWritable() {
        drainQueue();
    }

    /** Sends queued messages while the socket takes them and the in-flight window has room. */
    private void drainQueue() {
        resendPending();
        while (connection != null && !queue.isEmpty() && connection.isWritable()) {
            Delivery next = queue.peekFirst();
            if (next.qos() != QoS.AT_MOST_ONCE && inflight.size() >= window()) {
                break;
            }
            pollQueue();
            send(next);
        }
        updateWindowFlag();
        pageInIfLow();
    }

    // ---- acknowledgements from the client -------------------------------------------------------------------

    /** PUBACK: the QoS 1 flow ends ([MQTT-4.3.2]). Returns false for an identifier not in flight. */
    public boolean onPubAck(int packetId) {
        InflightMessage entry = inflight.get(packetId);
        if (entry == null || entry.state != InflightMessage.State.AWAITING_PUBACK) {
            return false;
        }
        removeInflight(packetId);
        forget(entry.delivery);
        drainQueue();
        return true;
    }

    /**
     * PUBREC: answered with PUBREL ([MQTT-4.3.3-4]); the message is no longer needed. A PUBREC with an error
     * reason ends the flow ([MQTT-4.3.3-?] 5.0: the sender treats it as complete). An unknown identifier gets
     * PUBREL 0x92 from the caller.
     */
    public boolean onPubRec(int packetId, ReasonCode reasonCode) {
        InflightMessage entry = inflight.get(packetId);
        if (entry == null || entry.state == InflightMessage.State.AWAITING_PUBACK) {
            return false;
        }
        if (entry.awaitingStore) {
            return true; // its record is being written; PUBREL follows from there
        }
        if (entry.state == InflightMessage.State.AWAITING_PUBREC) {
            entry.delivery.message().releasePayload();
            entry.delivery = null;
            if (reasonCode.isError()) {
                removeInflight(packetId);
                forgetRecord(entry.sequence);
                drainQueue();
                return true;
            }
            entry.state = InflightMessage.State.AWAITING_PUBCOMP;
            if (entry.sequence != 0 && persistence.isEnabled()) {
                // PUBREL only once the store knows it was sent: after a crash the broker then resends PUBREL, not
                // the PUBLISH that the client has already released and would take as new ([MQTT-4.3.3-10]).
                storeThenSend(entry);
                return true;
            }
        }
        connection.send(new PubRel(packetId));
        return true;
    }

    /** PUBCOMP: the QoS 2 flow ends. */
    public boolean onPubComp(int packetId) {
        InflightMessage entry = inflight.get(packetId);
        if (entry == null || entry.state != InflightMessage.State.AWAITING_PUBCOMP) {
            return false;
        }
        removeInflight(packetId);
        forgetRecord(entry.sequence);
        drainQueue();
        return true;
    }

    // ---- inbound QoS 2 --------------------------------------------------------------------------------------

    /**
     * Records an inbound QoS 2 identifier. Returns false when it is already awaiting PUBREL: the PUBLISH is a
     * retransmission and must not be delivered again ([MQTT-4.3.3-10]: exactly once).
     */
    public boolean beginInboundQos2(int packetId) {
        return inboundAwaitingRelease.add(packetId);
    }

    /** PUBREL: releases the identifier ([MQTT-4.3.3-11]); returns whether it was known. */
    public boolean releaseInboundQos2(int packetId) {
        return inboundAwaitingRelease.remove(packetId);
    }

    /** Whether a QoS 2 identifier from the client is received and not yet released. */
    public boolean isInboundQos2Pending(int packetId) {
        return inboundAwaitingRelease.contains(packetId);
    }

    public int inboundQos2Pending() {
        return inboundAwaitingRelease.size();
    }

    // ---- connection lifecycle -------------------------------------------------------------------------------

    /**
     * Attaches a new connection. Cancels a pending will ([MQTT-3.1.3-9]) and the expiry timer, then resends
     * every unacknowledged message, PUBLISH with DUP set or PUBREL ([MQTT-4.4.0-1], [MQTT-3.3.1-1]), in the order
     * first sent ([MQTT-4.6.0-1]) and no more at once than the client's Receive Maximum, then what was queued.
     */
    public void attach(OutboundChannel newConnection) {
        this.connection = newConnection;
        this.online = true;
        this.disconnectedAtMillis = 0;
        cancelExpiry();
        cancelPendingWill();
        awaitingResend.clear();
        unsentCount = 0;
        for (InflightMessage entry : inflight.values()) {
            // One whose store write is still out goes out on this connection when that is done; the rest are resent.
            entry.sentOnThisConnection = true;
            if (!entry.awaitingStore) {
                markUnsent(entry);
            }
        }
        drainQueue(); // resends in-flight messages first, within the new connection's window
    }

    /**
     * Detaches the connection. Messages of shared subscriptions that the client has not started to receive are
     * handed to another member of their group, and so are QoS 1 messages it did not acknowledge (5.0 section 4.8.2
     * allows either; a duplicate is within QoS 1's promise). A QoS 2 message in flight stays: it must be completed
     * with this client when it reconnects ([MQTT-4.8.2-4]).
     */
    public void detach() {
        connection = null;
        online = false;
        windowFull = true;
        disconnectedAtMillis = System.currentTimeMillis();
        handBackSharedDeliveries();
        storeQos1Identifiers();
    }

    /**
     * Records the identifiers of the QoS 1 messages the client has not acknowledged, so that after a restart they
     * are resent under them with DUP set ([MQTT-4.4.0-1]), as they are on a plain reconnect.
     */
    private void storeQos1Identifiers() {
        if (!stored) {
            return;
        }
        List<StoreOperation> operations = new ArrayList<>();
        for (InflightMessage entry : inflight.values()) {
            if (entry.sequence != 0 && entry.state == InflightMessage.State.AWAITING_PUBACK) {
                operations.add(new StoreOperation.UpdateDelivery(clientId, entry.sequence, entry.packetId,
                        DeliveryState.AWAITING_PUBACK));
            }
        }
        persistence.writeInBackground(operations);
    }

    private void handBackSharedDeliveries() {
        List<Delivery> handBack = new ArrayList<>();
        Iterator<InflightMessage> inflightIterator = inflight.values().iterator();
        while (inflightIterator.hasNext()) {
            InflightMessage entry = inflightIterator.next();
            if (entry.delivery != null && entry.delivery.sharedGroup() != null
                    && entry.state == InflightMessage.State.AWAITING_PUBACK) {
                handBack.add(entry.delivery);
                if (!entry.sentOnThisConnection) {
                    unsentCount--;
                }
                storedInMemory.remove(entry.sequence);
                inflightIterator.remove();
            }
        }
        Iterator<Delivery> queueIterator = queue.iterator();
        while (queueIterator.hasNext()) {
            Delivery delivery = queueIterator.next();
            if (delivery.sharedGroup() != null) {
                handBack.add(delivery);
                queuedBytes -= delivery.message().payloadSize();
                storedInMemory.remove(delivery.sequence());
                queueIterator.remove();
            }
        }
        for (Delivery delivery : handBack) {
            sharedHandback.redistribute(delivery, clientId);
        }
    }

    /** Arms the session expiry timer; {@code onExpiry} runs on this session's executor. */
    public void scheduleExpiry(long seconds, Runnable onExpiry) {
        cancelExpiry();
        if (seconds >= SessionConfig.NEVER_EXPIRES) {
            return; // 0xFFFFFFFF: the session does not expire ([MQTT-3.1.2-23] 5.0 text)
        }
        expiryTask = executor.schedule(onExpiry, seconds, TimeUnit.SECONDS);
    }

    private void cancelExpiry() {
        if (expiryTask != null) {
            expiryTask.cancel(false);
            expiryTask = null;
        }
    }

    /** Keeps a will to publish after its delay; {@code publisher} runs on this executor when the delay passes. */
    public void scheduleWill(Will will, long delaySeconds, Runnable publisher) {
        cancelPendingWill();
        pendingWill = will;
        willDueAtMillis = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(delaySeconds);
        willTask = executor.schedule(() -> {
            pendingWill = null;
            willTask = null;
            publisher.run();
            storeRecordIfStored();
        }, delaySeconds, TimeUnit.SECONDS);
    }

    /** Removes and returns a pending delayed will (to publish it now because the session ends), or null. */
    public Will takePendingWill() {
        Will will = pendingWill;
        cancelPendingWill();
        return will;
    }

    private void cancelPendingWill() {
        if (willTask != null) {
            willTask.cancel(false);
            willTask = null;
        }
        pendingWill = null;
    }

    /**
     * Lets go of everything the session holds in memory, as the broker stops: no will is published, nothing is
     * handed to another session and nothing is written, so the store keeps the session as it was.
     */
    void releaseForShutdown() {
        ended = true;
        online = false;
        connection = null;
        cancelExpiry();
        cancelPendingWill();
        for (InflightMessage entry : inflight.values()) {
            if (entry.delivery != null) {
                entry.delivery.message().releasePayload();
            }
        }
        inflight.clear();
        awaitingResend.clear();
        unsentCount = 0;
        queue.forEach(delivery -> delivery.message().releasePayload());
        queue.clear();
        storedInMemory.clear();
        metrics.messagesQueuedOnDisk(-backlogOnDisk);
        backlogOnDisk = 0;
        backlogBytesOnDisk = 0;
        queuedBytes = 0;
    }

    /** Ends the session: releases every message it holds. The registry removes it and its subscriptions. */
    void end() {
        ended = true;
        online = false;
        connection = null;
        cancelExpiry();
        cancelPendingWill();
        for (InflightMessage entry : inflight.values()) {
            if (entry.delivery != null) {
                // A shared QoS 2 message this session had started to receive goes to nobody else
                // ([MQTT-4.8.2-5]); a QoS 1 one should go to another member.
                if (entry.delivery.sharedGroup() != null && entry.state == InflightMessage.State.AWAITING_PUBACK) {
                    sharedHandback.redistribute(entry.delivery, clientId);
                } else {
                    entry.delivery.message().releasePayload();
                }
            }
        }
        inflight.clear();
        awaitingResend.clear();
        unsentCount = 0;
        for (Delivery delivery : queue) {
            if (delivery.sharedGroup() != null) {
                sharedHandback.redistribute(delivery, clientId);
            } else {
                delivery.message().releasePayload();
            }
        }
        queue.clear();
        storedInMemory.clear();
        metrics.messagesQueuedOnDisk(-backlogOnDisk);
        backlogOnDisk = 0;
        backlogBytesOnDisk = 0;
        queuedBytes = 0;
        inboundAwaitingRelease.clear();
    }
}
