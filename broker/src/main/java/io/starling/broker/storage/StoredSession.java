package io.starling.broker.storage;

import io.starling.codec.packet.Will;

import java.util.Objects;

/**
 * A session's own fields.
 *
 * @param expiryIntervalSeconds   the session expiry interval in force (0xFFFFFFFF: never)
 * @param disconnectedAtMillis    when its client went offline (epoch millis), or 0 while it is connected; the
 *                                session expires at this time plus the interval, across restarts too
 * @param delayedWill             a will waiting for its delay, or null
 * @param willDueAtMillis         when that will is due (epoch millis), 0 without one
 * @param nextPacketId            the last packet identifier the broker used towards the client
 */
public record StoredSession(String clientId, long expiryIntervalSeconds, long disconnectedAtMillis, Will delayedWill,
                            long willDueAtMillis, int nextPacketId) {
    public StoredSession {
        Objects.requireNonNull(clientId, "clientId");
    }
}
