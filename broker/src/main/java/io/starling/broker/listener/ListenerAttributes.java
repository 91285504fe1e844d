package io.starling.broker.listener;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import java.net.SocketAddress;

/**
 * What a listener learns about a connection below MQTT (from TLS or the PROXY protocol) and hands up to the
 * CONNECT handler and the security back-ends through channel attributes.
 */
public final class ListenerAttributes {

    /**
     * The client's own address as reported by a PROXY protocol header; absent when the listener takes no PROXY
     * header, and then the socket's peer address is the client's.
     */
    public static final AttributeKey<SocketAddress> PROXIED_CLIENT_ADDRESS =
            AttributeKey.valueOf("starling.proxiedClientAddress");

    /**
     * The identity taken from a verified TLS client certificate (its CN or a SAN, as the listener is configured),
     * set only on listeners that use the certificate identity as the user name.
     */
    public static final AttributeKey<String> CERTIFICATE_IDENTITY =
            AttributeKey.valueOf("starling.certificateIdentity");

    private ListenerAttributes() {
    }

    /** The address to log and to apply per-address limits to: the proxied one when known, else the peer's. */
    public static SocketAddress clientAddress(Channel channel) {
        SocketAddress proxied = channel.attr(PROXIED_CLIENT_ADDRESS).get();
        return proxied != null ? proxied : channel.remoteAddress();
    }
}
