package io.starling.codec.packet;

import io.starling.codec.PacketType;

/**
 * An MQTT control packet, one immutable record per type. Consumers switch over the permitted records.
 * Only {@link Publish} holds a reference-counted buffer (its payload); every other packet owns nothing.
 */
public sealed interface MqttPacket
        permits Connect, ConnAck, Publish, PubAck, PubRec, PubRel, PubComp, Subscribe, SubAck, Unsubscribe,
        UnsubAck, PingReq, PingResp, Disconnect, Auth {

    PacketType type();
}
