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
 * @param maximumPublishRate   the most PUBLISH packets per second one connection may send, with bursts of as many;
 *                             beyond it the broker stops reading from the connection until the budget refills, so
 *                             that TCP slows the client down (nothing is dropped, the connection stays). 0: no limit.
 *                             Default 0.
 * @param maximumInboundBandwidth the most bytes per second the broker reads from one connection (MQTT bytes, after
 *                             TLS and WebSocket), with bursts of as many; enforced the same way. 0: no limit.
 *                             Default 0.
 * @param maximumTopicLength   the longest topic name or filter accepted, in UTF-8 bytes (1..65535). Default 65535,
 *                             the protocol's own limit.
 * @param maximumTopicLevels   the most levels ('/'-separated parts) a topic name or filter may have; 0: no limit.
 *                             Default 200: every level of a filter is a node of the subscription tree, and a deeper
 *                             tree only costs memory and matching time (Mosquitto refuses more than 200 separators).
 */
public record ConnectionConfig(Duration connectTimeout, int maximumPacketSize, int receiveMaximum,
                               int topicAliasMaximum, Duration maximumKeepAlive, double keepAliveGraceFactor,
                               int outboundTopicAliasMaximum, String serverReference, boolean serverMoved,
                               int maximumPublishRate, int maximumInboundBandwidth, int maximumTopicLength,
                               int maximumTopicLevels) {
    public static final int PROTOCOL_MAXIMUM_PACKET_SIZE = 268_435_460;
    /** A UTF-8 Encoded String, and so a topic, holds at most 65,535 bytes ([MQTT-1.5.4] 5.0 section 1.5.4). */
    public static final int PROTOCOL_MAXIMUM_TOPIC_LENGTH = 65_535;
    public static final int DEFAULT_MAXIMUM_TOPIC_LEVELS = 200;

    public static final ConnectionConfig DEFAULT =
            new ConnectionConfig(Duration.ofSeconds(10), 1024 * 1024, 1024, 64, Duration.ZERO, 1.5, 0, "", false);

    /** The limits, aliases and redirection; no rate limits and the default topic limits. */
    public ConnectionConfig(Duration connectTimeout, int maximumPacketSize, int receiveMaximum, int topicAliasMaximum,
                            Duration maximumKeepAlive, double keepAliveGraceFactor, int outboundTopicAliasMaximum,
                            String serverReference, boolean serverMoved) {
        this(connectTimeout, maximumPacketSize, receiveMaximum, topicAliasMaximum, maximumKeepAlive,
                keepAliveGraceFactor, outboundTopicAliasMaximum, serverReference, serverMoved, 0, 0,
                PROTOCOL_MAXIMUM_TOPIC_LENGTH, DEFAULT_MAXIMUM_TOPIC_LEVELS);
    }

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
        if (maximumPublishRate < 0) {
            throw new IllegalArgumentException("connection.maximum-publish-rate must be 0 (no limit) or more: "
                    + maximumPublishRate);
        }
        if (maximumInboundBandwidth < 0) {
            throw new IllegalArgumentException("connection.maximum-inbound-bandwidth must be 0 (no limit) or more: "
                    + maximumInboundBandwidth);
        }
        if (maximumTopicLength < 1 || maximumTopicLength > PROTOCOL_MAXIMUM_TOPIC_LENGTH) {
            throw new IllegalArgumentException("connection.maximum-topic-length must be 1.."
                    + PROTOCOL_MAXIMUM_TOPIC_LENGTH + ": " + maximumTopicLength);
        }
        if (maximumTopicLevels < 0 || maximumTopicLevels > PROTOCOL_MAXIMUM_TOPIC_LENGTH) {
            throw new IllegalArgumentException("connection.maximum-topic-levels must be 0 (no limit).."
                    + PROTOCOL_MAXIMUM_TOPIC_LENGTH + ": " + maximumTopicLevels);
        }
    }

    /** A copy with other per-connection rate limits (0: none), every other setting kept. */
    public ConnectionConfig withRateLimits(int publishesPerSecond, int bytesPerSecond) {
        return new ConnectionConfig(connectTimeout, maximumPacketSize, receiveMaximum, topicAliasMaximum,
                maximumKeepAlive, keepAliveGraceFactor, outboundTopicAliasMaximum, serverReference, serverMoved,
                publishesPerSecond, bytesPerSecond, maximumTopicLength, maximumTopicLevels);
    }

    /** A copy with other topic limits (levels 0: none), every other setting kept. */
    public ConnectionConfig withTopicLimits(int lengthBytes, int levels) {
        return new ConnectionConfig(connectTimeout, maximumPacketSize, receiveMaximum, topicAliasMaximum,
                maximumKeepAlive, keepAliveGraceFactor, outboundTopicAliasMaximum, serverReference, serverMoved,
                maximumPublishRate, maximumInboundBandwidth, lengthBytes, levels);
    }

    static Duration requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration: " + duration);
        }
        return duration;
    }
}
