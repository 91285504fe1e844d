package io.starling.broker.config;

import java.time.Duration;

/**
 * Limits that apply to every connection.
 *
 * @param connectTimeout       how long a new socket may stay open without sending CONNECT before it is closed.
 *                             Default 10 s.
 * @param maximumPacketSize    the largest packet, in bytes, the broker accepts (fixed header included); larger
 *                             ones are refused from their fixed header, before they are buffered, and advertised
 *                             to MQTT 5 clients as Maximum Packet Size. Default 1 MiB; the protocol allows up to
 *                             268,435,460.
 * @param receiveMaximum       how many QoS 1 and 2 PUBLISHes a client may have unacknowledged towards the broker
 *                             at once (MQTT 5 Receive Maximum, 1..65535). Default 1024.
 * @param topicAliasMaximum    how many topic aliases a MQTT 5 client may set up towards the broker (0 disables
 *                             inbound aliases, up to 65535). Default 64.
 * @param maximumKeepAlive     the longest keep alive the broker accepts; a MQTT 5 client asking for more (or for
 *                             0) is told this value as Server Keep Alive. 0 means no limit. Default 0.
 * @param keepAliveGraceFactor the keep alive is enforced at this multiple of the interval ([MQTT-3.1.2-24]
 *                             requires 1.5). Default 1.5.
 * @param outboundTopicAliasMaximum how many topic aliases the broker may set up towards one MQTT 5 client (never
 *                             more than the client's own Topic Alias Maximum): repeated topics then travel as a
 *                             two-byte alias. 0 turns outbound aliases off. Default 0.
 * @param serverReference      when not empty, the broker redirects every MQTT 5 client: CONNACK 0x9C Use another
 *                             server (or 0x9D Server moved, see {@code serverMoved}) with this Server Reference
 *                             ([MQTT-4.11]); MQTT 3.x clients, which cannot be redirected, are refused with 0x03
 *                             Server unavailable. Default empty.
 * @param serverMoved          whether the redirection is permanent (0x9D) rather than temporary (0x9C). Default false.
 */
public record ConnectionConfig(Duration connectTimeout, int maximumPacketSize, int receiveMaximum,
                               int topicAliasMaximum, Duration maximumKeepAlive, double keepAliveGraceFactor,
                               int outboundTopicAliasMaximum, String serverReference, boolean serverMoved) {
    public static final int PROTOCOL_MAXIMUM_PACKET_SIZE = 268_435_460;

    public static final ConnectionConfig DEFAULT =
            new ConnectionConfig(Duration.ofSeconds(10), 1024 * 1024, 1024, 64, Duration.ZERO, 1.5, 0, "", false);

    /** The limits only; no outbound aliases, no redirection. */
    public ConnectionConfig(Duration connectTimeout, int maximumPacketSize, int receiveMaximum, int topicAliasMaximum,
                            Duration maximumKeepAlive, double keepAliveGraceFactor) {
        this(connectTimeout, maximumPacketSize, receiveMaximum, topicAliasMaximum, maximumKeepAlive,
                keepAliveGraceFactor, 0, "", false);
    }

    public ConnectionConfig {
        if (outboundTopicAliasMaximum < 0 || outboundTopicAliasMaximum > 65535) {
            throw new IllegalArgumentException("connection.outbound-topic-alias-maximum must be 0..65535: "
                    + outboundTopicAliasMaximum);
        }
        serverReference = serverReference == null ? "" : serverReference;
        connectTimeout = requirePositive(connectTimeout, "connection.connect-timeout");
        if (maximumPacketSize < 16 || maximumPacketSize > PROTOCOL_MAXIMUM_PACKET_SIZE) {
            throw new IllegalArgumentException("connection.maximum-packet-size must be 16.." + PROTOCOL_MAXIMUM_PACKET_SIZE
                    + ": " + maximumPacketSize);
        }
        if (receiveMaximum < 1 || receiveMaximum > 65535) {
            throw new IllegalArgumentException("connection.receive-maximum must be 1..65535: " + receiveMaximum);
        }
        if (topicAliasMaximum < 0 || topicAliasMaximum > 65535) {
            throw new IllegalArgumentException("connection.topic-alias-maximum must be 0..65535: " + topicAliasMaximum);
        }
        if (maximumKeepAlive == null || maximumKeepAlive.isNegative() || maximumKeepAlive.toSeconds() > 65535) {
            throw new IllegalArgumentException("connection.maximum-keep-alive must be 0..65535 s: " + maximumKeepAlive);
        }
        if (keepAliveGraceFactor < 1.0) {
            throw new IllegalArgumentException("connection.keep-alive-grace-factor must be at least 1: " + keepAliveGraceFactor);
        }
    }

    static Duration requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration: " + duration);
        }
        return duration;
    }
}
