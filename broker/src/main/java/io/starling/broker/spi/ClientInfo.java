package io.starling.broker.spi;

import io.starling.codec.MqttVersion;

import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who a connection belongs to, as security back-ends and event listeners see it. Immutable.
 *
 * @param remoteAddress the client's address (the one a PROXY protocol header reported, when there was one)
 * @param attributes    what the authenticator learnt about the client ({@link AuthenticationResult.Accepted}),
 *                      e.g. the claims of its token; empty when none. Only authenticators set them, never the
 *                      client, so an authorizer may rely on them.
 */
public record ClientInfo(String clientId, String username, MqttVersion version, SocketAddress remoteAddress,
                         String listenerName, Map<String, List<String>> attributes) {

    public ClientInfo {
        attributes = copyAttributes(attributes);
    }

    /** A client without attributes. */
    public ClientInfo(String clientId, String username, MqttVersion version, SocketAddress remoteAddress,
                      String listenerName) {
        this(clientId, username, version, remoteAddress, listenerName, Map.of());
    }

    /** The values of one attribute; empty when absent. */
    public List<String> attribute(String name) {
        return attributes.getOrDefault(name, List.of());
    }

    /** An immutable copy, in the given order; null becomes empty. Null names or values are refused. */
    static Map<String, List<String>> copyAttributes(Map<String, List<String>> attributes) {
        if (attributes == null || attributes.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        attributes.forEach((name, values) -> copy.put(Objects.requireNonNull(name, "attribute name"),
                List.copyOf(Objects.requireNonNull(values, "attribute values"))));
        return java.util.Collections.unmodifiableMap(copy);
    }
}
