package io.starling.loadtool.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.starling.codec.MqttPacketEncoder;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.packet.Publish;
import io.starling.codec.property.MqttProperties;

import java.util.Arrays;
import java.util.Objects;

/**
 * Message {@code i} on topic {@code <prefix><i>}: the retained scenario stores one message per topic, and clears
 * them with empty payloads. Each message is encoded on its own by {@link MqttPacketEncoder}, since its topic
 * differs; storing is not the timed part of that scenario.
 */
public record TopicPerMessage(MqttVersion version, String topicPrefix, QoS qos, boolean retain, int payloadSize)
        implements PublishSource {

    public TopicPerMessage {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Objects.requireNonNull(qos, "qos");
        if (payloadSize < 0) {
            throw new IllegalArgumentException("payload size must not be negative: " + payloadSize);
        }
    }

    public String topic(int sequence) {
        return topicPrefix + sequence;
    }

    @Override
    public ByteBuf render(ByteBufAllocator allocator, int packetId, int publisher, int sequence, long sentNanos) {
        byte[] bytes = new byte[payloadSize];
        Arrays.fill(bytes, (byte) 'x');
        ByteBuf payload = Unpooled.wrappedBuffer(bytes);
        if (payloadSize >= PayloadStamp.SIZE) {
            PayloadStamp.write(payload, 0, publisher, sequence, sentNanos);
        }
        Publish publish = new Publish(topic(sequence), qos, retain, false, qos == QoS.AT_MOST_ONCE ? 0 : packetId,
                MqttProperties.EMPTY, payload);
        try {
            return MqttPacketEncoder.encode(allocator, publish, version);
        } finally {
            publish.release();
        }
    }
}
