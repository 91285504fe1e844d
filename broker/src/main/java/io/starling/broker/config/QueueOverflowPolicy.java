package io.starling.broker.config;

/** What happens when a session's message queue is full. Either way the drop is logged and counted. */
public enum QueueOverflowPolicy {
    /** Discard the message that does not fit (the queue keeps the older messages). Mosquitto's behaviour. */
    DROP_NEW,
    /** Discard the oldest queued message to make room for the new one: subscribers get the freshest values. */
    DROP_OLDEST,
    /**
     * Disconnect a connected client whose queue is full (MQTT 5: DISCONNECT 0x97 Quota exceeded), so that a stalled
     * consumer is noticed instead of silently losing messages; while it is offline, new messages are dropped.
     */
    DISCONNECT
}
