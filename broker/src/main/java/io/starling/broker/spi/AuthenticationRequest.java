package io.starling.broker.spi;

import io.starling.codec.MqttVersion;

import java.net.SocketAddress;

/**
 * What a client presented in CONNECT. {@code password} is a copy the authenticator may keep or wipe;
 * {@code username} and {@code password} are null when absent.
 */
public record AuthenticationRequest(String clientId, String username, byte[] password, MqttVersion version,
                                    SocketAddress remoteAddress, String listenerName) {
}
