package io.starling.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One connection as the scenario wants it, whatever client makes it: the client identifier, the session it asks
 * for, an optional will, and the filters to subscribe to right after CONNACK (one SUBSCRIBE, one QoS for all).
 *
 * @param cleanStart            Clean Session (3.x) or Clean Start (5.0)
 * @param sessionExpirySeconds  MQTT 5 Session Expiry Interval; ignored by 3.x clients
 * @param will                  null for none
 * @param filters               empty: no SUBSCRIBE
 */
public record ConnectSpec(String clientId, boolean cleanStart, long sessionExpirySeconds, Will will,
                          List<String> filters, int subscriptionQos) {

    public ConnectSpec {
        Objects.requireNonNull(clientId, "clientId");
        filters = List.copyOf(filters);
    }

    /** A clean session that ends with the connection. */
    public static ConnectSpec clean(String clientId) {
        return new ConnectSpec(clientId, true, 0, null, List.of(), 0);
    }

    /**
     * A session that outlives the connection: Clean Session 0 in 3.x; in 5.0 Clean Start 0 with the given Session
     * Expiry Interval (a 5.0 session with expiry 0 ends with the connection whatever Clean Start says).
     */
    public static ConnectSpec persistent(String clientId, long sessionExpirySeconds) {
        return new ConnectSpec(clientId, false, sessionExpirySeconds, null, List.of(), 0);
    }

    /** Adds filters, all subscribed at {@code qos}. */
    public ConnectSpec subscribe(int qos, String... topicFilters) {
        List<String> all = new ArrayList<>(filters);
        all.addAll(List.of(topicFilters));
        return new ConnectSpec(clientId, cleanStart, sessionExpirySeconds, will, all, qos);
    }

    public ConnectSpec withWill(Will newWill) {
        return new ConnectSpec(clientId, cleanStart, sessionExpirySeconds, newWill, filters, subscriptionQos);
    }
}
