package io.starling.broker.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters the broker keeps about itself. Plain {@link LongAdder}s so that the hot path pays one uncontended add;
 * a metrics module can publish them (Micrometer) without the core depending on it.
 */
public final class BrokerMetrics {
    private final LongAdder connectionsAccepted = new LongAdder();
    private final LongAdder connectionsRefused = new LongAdder();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder messagesDelivered = new LongAdder();
    private final LongAdder messagesDroppedQueueFull = new LongAdder();
    private final LongAdder messagesDroppedExpired = new LongAdder();
    private final LongAdder messagesDroppedTooLarge = new LongAdder();
    private final LongAdder messagesDroppedQos0Offline = new LongAdder();
    private final LongAdder protocolViolations = new LongAdder();
    private final LongAdder connectionsOverListenerLimit = new LongAdder();
    private final LongAdder tlsHandshakeFailures = new LongAdder();
    private final LongAdder proxyProtocolRefusals = new LongAdder();
    private final LongAdder authenticationFailures = new LongAdder();
    private final LongAdder refusalsDelayed = new LongAdder();
    private final LongAdder storeWritesFailed = new LongAdder();
    private final LongAdder publishesRefusedByStore = new LongAdder();
    private final LongAdder messagesQueuedOnDisk = new LongAdder();
    private final LongAdder connectionsOverRateLimit = new LongAdder();
    private final LongAdder publishRateThrottles = new LongAdder();
    private final LongAdder bandwidthThrottles = new LongAdder();
    private final LongAdder topicsOverLimit = new LongAdder();
    private final LongAdder publishesNotAuthorized = new LongAdder();
    private final LongAdder subscriptionsOverLimit = new LongAdder();

    public void connectionAccepted() { connectionsAccepted.increment(); }
    public void connectionRefused() { connectionsRefused.increment(); }
    public void messageReceived() { messagesReceived.increment(); }
    public void messageDelivered() { messagesDelivered.increment(); }
    public void messageDroppedQueueFull() { messagesDroppedQueueFull.increment(); }
    public void messageDroppedExpired() { messagesDroppedExpired.increment(); }
    public void messageDroppedTooLarge() { messagesDroppedTooLarge.increment(); }
    public void messageDroppedQos0Offline() { messagesDroppedQos0Offline.increment(); }
    public void protocolViolation() { protocolViolations.increment(); }
    public void connectionOverListenerLimit() { connectionsOverListenerLimit.increment(); }
    public void tlsHandshakeFailure() { tlsHandshakeFailures.increment(); }
    public void proxyProtocolRefusal() { proxyProtocolRefusals.increment(); }
    public void authenticationFailed() { authenticationFailures.increment(); }
    public void refusalDelayed() { refusalsDelayed.increment(); }
    public void storeWriteFailed() { storeWritesFailed.increment(); }
    public void publishRefusedByStore() { publishesRefusedByStore.increment(); }
    public void messagesQueuedOnDisk(long change) { messagesQueuedOnDisk.add(change); }
    public void connectionOverRateLimit() { connectionsOverRateLimit.increment(); }
    public void publishRateThrottled() { publishRateThrottles.increment(); }
    public void bandwidthThrottled() { bandwidthThrottles.increment(); }
    public void topicOverLimit() { topicsOverLimit.increment(); }
    public void publishNotAuthorized() { publishesNotAuthorized.increment(); }
    public void subscriptionOverLimit() { subscriptionsOverLimit.increment(); }

    public long connectionsAccepted() { return connectionsAccepted.sum(); }
    public long connectionsRefused() { return connectionsRefused.sum(); }
    public long messagesReceived() { return messagesReceived.sum(); }
    public long messagesDelivered() { return messagesDelivered.sum(); }
    /** Messages discarded because a session's queue was full (either overflow policy). */
    public long messagesDroppedQueueFull() { return messagesDroppedQueueFull.sum(); }
    public long messagesDroppedExpired() { return messagesDroppedExpired.sum(); }
    /** Messages not sent because they exceed the receiving client's Maximum Packet Size ([MQTT-3.1.2-25]). */
    public long messagesDroppedTooLarge() { return messagesDroppedTooLarge.sum(); }
    public long messagesDroppedQos0Offline() { return messagesDroppedQos0Offline.sum(); }
    public long protocolViolations() { return protocolViolations.sum(); }
    /** Connections closed as they were accepted because their listener had max-connections open already. */
    public long connectionsOverListenerLimit() { return connectionsOverListenerLimit.sum(); }
    /** TLS handshakes that failed (untrusted or missing client certificate, no common protocol, not TLS at all). */
    public long tlsHandshakeFailures() { return tlsHandshakeFailures.sum(); }
    /** Connections closed for a missing or invalid PROXY protocol header, or for one the listener does not take. */
    public long proxyProtocolRefusals() { return proxyProtocolRefusals.sum(); }
    /** CONNECTs refused by authentication (0x89 Server busy not counted): what the failed-login delay counts. */
    public long authenticationFailures() { return authenticationFailures.sum(); }
    /** Authentication refusals held back by the failed-login delay. */
    public long refusalsDelayed() { return refusalsDelayed.sum(); }
    /** Store writes that failed (disk full, I/O error, write queue full). */
    public long storeWritesFailed() { return storeWritesFailed.sum(); }
    /** QoS 1 and 2 PUBLISHes refused (v5 0x80 / 0x97, v3 connection closed) because the store could not keep them. */
    public long publishesRefusedByStore() { return publishesRefusedByStore.sum(); }
    /** Queued messages of persistent sessions that are on disk only, not in memory, now. */
    public long messagesQueuedOnDisk() { return messagesQueuedOnDisk.sum(); }
    /** Connections closed as they were accepted because their address exceeded the listener's max-connection-rate. */
    public long connectionsOverRateLimit() { return connectionsOverRateLimit.sum(); }
    /** Times a connection's input was paused for exceeding connection.maximum-publish-rate. */
    public long publishRateThrottles() { return publishRateThrottles.sum(); }
    /** Times a connection's input was paused for exceeding connection.maximum-inbound-bandwidth. */
    public long bandwidthThrottles() { return bandwidthThrottles.sum(); }
    /**
     * PUBLISH topics, SUBSCRIBE filters and will topics refused for exceeding connection.maximum-topic-length or
     * connection.maximum-topic-levels.
     */
    public long topicsOverLimit() { return topicsOverLimit.sum(); }
    /** PUBLISHes the authorizer refused (v5 0x87; v3 acknowledged and dropped, or the connection closed). */
    public long publishesNotAuthorized() { return publishesNotAuthorized.sum(); }
    /** SUBSCRIBE entries refused (v5 0x97, v3 0x80) for session.maximum-subscriptions-per-client. */
    public long subscriptionsOverLimit() { return subscriptionsOverLimit.sum(); }
}
