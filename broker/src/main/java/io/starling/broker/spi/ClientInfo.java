package io.starling.broker.spi;

import io.starling.codec.MqttVersion;

import java.net.SocketAddress;

/** Who a connection belongs to, as security back-ends and event listeners see it. Immutable. */
public record ClientInfo(String clientId, String username, MqttVersion version, SocketAddress remoteAddress,
                         String listenerName) {
}
