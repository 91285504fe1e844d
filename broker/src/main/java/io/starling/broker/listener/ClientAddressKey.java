package io.starling.broker.listener;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What per-address limits count by: an IPv4 address on its own, an IPv6 address by its /64 network (whoever holds
 * one address of a /64 usually holds all of them), an unresolved address by its host name, anything else (Unix
 * sockets, tests) as itself. The port never counts.
 */
public final class ClientAddressKey {

    private ClientAddressKey() {
    }

    /** The key that groups {@code address} with the addresses a limit treats as the same client. */
    public static Object of(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            InetAddress ip = inet.getAddress();
            if (ip instanceof Inet6Address) {
                return new Ipv6Network(prefix64(ip.getAddress()));
            }
            return ip != null ? ip : inet.getHostString();
        }
        return address;
    }

    private static long prefix64(byte[] address) {
        long prefix = 0;
        for (int i = 0; i < 8; i++) {
            prefix = (prefix << 8) | (address[i] & 0xFF);
        }
        return prefix;
    }

    /** The first 64 bits of an IPv6 address. */
    private record Ipv6Network(long prefix) {
    }
}
