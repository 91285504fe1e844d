package io.starling.broker.session;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.starling.broker.config.QueueOverflowPolicy;
import io.starling.broker.config.SessionConfig;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.routing.ApplicationMessage;
import io.starling.broker.routing.Delivery;
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
 */
public final class Session {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private final String clientId;
    private final EventExecutor executor;
    private final SessionConfig config;
    private final BrokerMetrics metrics;
    private final SharedDeliveryHandback sharedHandback;

    private final Map<String, SessionSubscription> subscriptions = new HashMap<>();
    private final LinkedHashMap<Integer, InflightMessage> inflight = new LinkedHashMap<>();
    private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
    private final Set<Integer> inboundAwaitingRelease = new HashSet<>();

    private OutboundChannel connection;
    private long queuedBytes;
    /** Drops since the queue last accepted a message: the first is logged, the rest only counted until it recovers. */
    private long dropsInARow;
    private int lastPacketId;
    private long expiryIntervalSeconds;
    private boolean ended;
    private ScheduledFuture<?> expiryTask;
    private Will pendingWill;
    private ScheduledFuture<?> willTask;

    // Read by other threads to pick a member of a shared subscription; written here only.
    private volatile boolean online;
    private volatile boolean windowFull;

    Session(String clientId, EventExecutor executor, SessionConfig config, BrokerMetrics metrics,
            SharedDeliveryHandback sharedHandback) {
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

    public int queuedMessageCount() {
        return queue.size();
    }

    public int inflightCount() {
        return inflight.size();
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

    private void deliver(Delivery delivery) {
        if (ended) {
            delivery.message().releasePayload();
            return;
        }
        if (delivery.message().isExpired(System.currentTimeMillis())) {
            metrics.messageDroppedExpired();
            delivery.message().releasePayload();
            return;
        }
        if (connection != null) {
            // A slow reader gets nothing more written until its socket drains: messages wait in the bounded queue
            // rather than in an unbounded socket buffer, so one stalled subscriber cannot exhaust memory.
            boolean canWrite = queue.isEmpty() && connection.isWritable();
            if (canWrite && (delivery.qos() == QoS.AT_MOST_ONCE || inflight.size() < window())) {
                send(delivery);
            } else {
                enqueue(delivery);
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
        enqueue(delivery);
    }

    private void enqueue(Delivery delivery) {
        int size = delivery.message().payloadSize();
        if (config.queueOverflowPolicy() == QueueOverflowPolicy.DROP_OLDEST) {
            while (!queue.isEmpty() && !fits(size)) {
                Delivery oldest = queue.pollFirst();
                queuedBytes -= oldest.message().payloadSize();
                drop(oldest);
            }
        }
        if (!fits(size)) {
            drop(delivery);
            if (config.queueOverflowPolicy() == QueueOverflowPolicy.DISCONNECT && connection != null) {
                connection.queueOverflow();
            }
            return;
        }
        queue.addLast(delivery);
        queuedBytes += size;
        if (dropsInARow > 0) {
            LOG.info("Queue of client {} accepts messages again after {} dropped", clientId, dropsInARow);
            dropsInARow = 0;
        }
    }

    private boolean fits(int size) {
        return queue.size() < config.maximumQueuedMessages() && queuedBytes + size <= config.maximumQueuedBytes();
    }

    /** Discards a delivery that is in no queue any more: logged and counted, its reference released. */
    private void drop(Delivery delivery) {
        metrics.messageDroppedQueueFull();
        if (dropsInARow++ == 0) {
            // One line when a session starts dropping, not one per message: a stalled client must not flood the log.
            LOG.warn("Queue full for client {}: dropping messages ({} policy, {} messages / {} bytes queued)",
                    clientId, config.queueOverflowPolicy(), queue.size(), queuedBytes);
        }
        delivery.message().releasePayload();
    }

    private int window() {
        return connection == null ? 0 : Math.min(config.maximumInflight(), connection.receiveMaximum());
    }

    private void send(Delivery delivery) {
        ApplicationMessage message = delivery.message();
        long now = System.currentTimeMillis();
        if (message.isExpired(now)) {
            metrics.messageDroppedExpired();
            message.releasePayload();
            return;
        }
        int packetId = delivery.qos() == QoS.AT_MOST_ONCE ? 0 : nextPacketId();
        Publish publish = toPublish(delivery, packetId, false, now);
        if (connection.encodedSize(publish) > connection.maximumPacketSize()) {
            // [MQTT-3.1.2-25]: a packet larger than the client's Maximum Packet Size is discarded without sending,
            // as if its delivery had completed.
            metrics.messageDroppedTooLarge();
            publish.release();
            message.releasePayload();
            return;
        }
        if (delivery.qos() == QoS.AT_MOST_ONCE) {
            connection.send(publish); // the write consumes the duplicate; the delivery's own reference goes with it
            message.releasePayload();
        } else {
            inflight.put(packetId, new InflightMessage(packetId, delivery, delivery.qos() == QoS.AT_LEAST_ONCE
                    ? InflightMessage.State.AWAITING_PUBACK : InflightMessage.State.AWAITING_PUBREC));
            updateWindowFlag();
            connection.send(publish);
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
        if (connection == null) {
            return;
        }
        int sent = 0;
        for (InflightMessage entry : inflight.values()) {
            if (entry.sentOnThisConnection) {
                sent++;
            }
        }
        long now = System.currentTimeMillis();
        for (InflightMessage entry : inflight.values()) {
            if (sent >= window()) {
                return;
            }
            if (!entry.sentOnThisConnection) {
                entry.sentOnThisConnection = true;
                sent++;
                if (entry.state == InflightMessage.State.AWAITING_PUBCOMP) {
                    connection.send(new PubRel(entry.packetId));
                } else {
                    connection.send(toPublish(entry.delivery, entry.packetId, true, now));
                }
            }
        }
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
            queue.pollFirst();
            queuedBytes -= next.message().payloadSize();
            send(next);
        }
        updateWindowFlag();
    }

    // ---- acknowledgements from the client -------------------------------------------------------------------

    /** PUBACK: the QoS 1 flow ends ([MQTT-4.3.2]). Returns false for an identifier not in flight. */
    public boolean onPubAck(int packetId) {
        InflightMessage entry = inflight.get(packetId);
        if (entry == null || entry.state != InflightMessage.State.AWAITING_PUBACK) {
            return false;
        }
        inflight.remove(packetId);
        entry.delivery.message().releasePayload();
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
        if (entry.state == InflightMessage.State.AWAITING_PUBREC) {
            entry.delivery.message().releasePayload();
            entry.delivery = null;
            if (reasonCode.isError()) {
                inflight.remove(packetId);
                drainQueue();
                return true;
            }
            entry.state = InflightMessage.State.AWAITING_PUBCOMP;
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
        inflight.remove(packetId);
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
        cancelExpiry();
        cancelPendingWill();
        for (InflightMessage entry : inflight.values()) {
            entry.sentOnThisConnection = false;
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
        handBackSharedDeliveries();
    }

    private void handBackSharedDeliveries() {
        List<Delivery> handBack = new ArrayList<>();
        Iterator<InflightMessage> inflightIterator = inflight.values().iterator();
        while (inflightIterator.hasNext()) {
            InflightMessage entry = inflightIterator.next();
            if (entry.delivery != null && entry.delivery.sharedGroup() != null
                    && entry.state == InflightMessage.State.AWAITING_PUBACK) {
                handBack.add(entry.delivery);
                inflightIterator.remove();
            }
        }
        Iterator<Delivery> queueIterator = queue.iterator();
        while (queueIterator.hasNext()) {
            Delivery delivery = queueIterator.next();
            if (delivery.sharedGroup() != null) {
                handBack.add(delivery);
                queuedBytes -= delivery.message().payloadSize();
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
        willTask = executor.schedule(() -> {
            pendingWill = null;
            willTask = null;
            publisher.run();
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
        for (Delivery delivery : queue) {
            if (delivery.sharedGroup() != null) {
                sharedHandback.redistribute(delivery, clientId);
            } else {
                delivery.message().releasePayload();
            }
        }
        queue.clear();
        queuedBytes = 0;
        inboundAwaitingRelease.clear();
    }
}
