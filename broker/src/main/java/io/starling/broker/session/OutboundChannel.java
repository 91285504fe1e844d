package io.starling.broker.session;

import io.starling.codec.MqttVersion;
import io.starling.codec.packet.MqttPacket;

/**
 * What a session needs from the connection it is attached to. Implemented by the connection handler; every call
 * is made on the session's executor.
 */
public interface OutboundChannel {

    MqttVersion version();

    /** The client's Receive Maximum: how many QoS 1 and 2 PUBLISHes it accepts unacknowledged ([MQTT-3.3.4-9]). */
    int receiveMaximum();

    /** The client's Maximum Packet Size, or {@code Long.MAX_VALUE} when it set none ([MQTT-3.1.2-24]). */
    long maximumPacketSize();

    /** The size this PUBLISH would have on the wire to this client, topic alias included. */
    int encodedSize(io.starling.codec.packet.Publish publish);

    /**
     * Whether the socket takes more data now. False while the connection's outbound buffer is above its high-water
     * mark (a slow reader): the session then queues, bounded, instead of growing that buffer without limit.
     */
    boolean isWritable();

    /** Writes a packet; the flush happens once per batch. A Publish is consumed (released) by the write. */
    void send(MqttPacket packet);

    /**
     * The session's queue overflowed under the {@code disconnect} policy: the connection is to be closed (MQTT 5:
     * DISCONNECT 0x97 Quota exceeded). Called on the session's executor; the close may happen later.
     */
    void queueOverflow();
}
