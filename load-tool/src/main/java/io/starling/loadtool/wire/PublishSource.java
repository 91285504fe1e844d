package io.starling.loadtool.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.starling.codec.QoS;

/** What a publisher sends: message number {@code sequence} as an encoded PUBLISH. */
public sealed interface PublishSource permits PublishTemplate, TopicPerMessage {

    /** The encoded PUBLISH, owned by the caller; {@code packetId} is ignored at QoS 0. */
    ByteBuf render(ByteBufAllocator allocator, int packetId, int publisher, int sequence, long sentNanos);

    QoS qos();
}
