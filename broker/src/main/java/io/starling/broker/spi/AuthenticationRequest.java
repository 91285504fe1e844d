package io.starling.broker.spi;

import io.starling.codec.MqttVersion;

import java.net.SocketAddress;

/**
 * What a client presented in CONNECT. {@code password} is a copy the authenticator may keep or wipe;
 * {@code username} and {@code password} are null when absent.
 *
 * @param remoteAddress       the client's address: the one a PROXY protocol header reported when the listener takes
 *                            one, else the socket's peer
 * @param certificateIdentity the identity of the client's verified TLS certificate, on listeners that use it as the
 *                            user name; null otherwise. When set, {@code username} is that identity and
 *                            {@code password} is null: the broker discards the user name and password of CONNECT,
 *                            as Mosquitto's {@code use_identity_as_username} does, and the certificate is the
 *                            credential.
 */
public record AuthenticationRequest(String clientId, String username, byte[] password, MqttVersion version,
                                    SocketAddress remoteAddress, String listenerName, String certificateIdentity) {

    /** A request without a certificate identity. */
    public AuthenticationRequest(String clientId, String username, byte[] password, MqttVersion version,
                                 SocketAddress remoteAddress, String listenerName) {
        this(clientId, username, password, version, remoteAddress, listenerName, null);
    }
}
