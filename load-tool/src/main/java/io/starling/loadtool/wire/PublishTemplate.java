package io.starling.loadtool.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.starling.codec.MqttPacketEncoder;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.packet.Publish;
import io.starling.codec.property.MqttProperties;

import java.util.Arrays;
import java.util.Objects;

/**
 * A PUBLISH encoded once by {@link MqttPacketEncoder}; each message sent is a copy of those bytes with only the
 * packet identifier and the {@link PayloadStamp} patched in. This keeps the tool's cost per message to one buffer
 * allocation and one copy, so the broker, not the tool, is what a run measures.
 *
 * <p>Immutable and thread-safe: every publisher of a topic may share one template.
 */
public final class PublishTemplate implements PublishSource {
    private final byte[] bytes;
    private final int packetIdOffset;
    private final int payloadOffset;
    private final QoS qos;

    private PublishTemplate(byte[] bytes, int packetIdOffset, int payloadOffset, QoS qos) {
        this.bytes = bytes;
        this.packetIdOffset = packetIdOffset;
        this.payloadOffset = payloadOffset;
        this.qos = qos;
    }

    /**
     * Encodes the template. A payload of {@link PayloadStamp#SIZE} bytes or more carries a stamp; a shorter one
     * (0 bytes: clearing a retained message) is sent as it is, filler only.
     */
    public static PublishTemplate of(MqttVersion version, String topic, QoS qos, boolean retain, int payloadSize) {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(qos, "qos");
        if (payloadSize < 0) {
            throw new IllegalArgumentException("payload size must not be negative: " + payloadSize);
        }
        byte[] filler = new byte[payloadSize];
        Arrays.fill(filler, (byte) 'x');
        // A placeholder packet identifier (QoS 1 and 2 need one that is not 0); each message patches its own.
        int placeholderId = qos == QoS.AT_MOST_ONCE ? 0 : 1;
        Publish publish = new Publish(topic, qos, retain, false, placeholderId, MqttProperties.EMPTY,
                Unpooled.wrappedBuffer(filler));
        ByteBuf encoded = MqttPacketEncoder.encode(UnpooledByteBufAllocator.DEFAULT, publish, version);
        try {
            byte[] bytes = ByteBufUtil.getBytes(encoded);
            int headerSize = 1 + remainingLengthSize(bytes);
            int topicLength = ((bytes[headerSize] & 0xFF) << 8) | (bytes[headerSize + 1] & 0xFF);
            int afterTopic = headerSize + 2 + topicLength;
            int packetIdOffset = qos == QoS.AT_MOST_ONCE ? -1 : afterTopic;
            return new PublishTemplate(bytes, packetIdOffset, bytes.length - payloadSize, qos);
        } finally {
            encoded.release();
            publish.release();
        }
    }

    /** The number of bytes of the remaining-length field that follows the first byte ([MQTT-1.5.5]). */
    private static int remainingLengthSize(byte[] bytes) {
        int size = 1;
        while ((bytes[size] & 0x80) != 0) {
            size++;
        }
        return size;
    }

    /**
     * One message: a new buffer holding the template with the packet identifier (ignored for QoS 0) and, when the
     * payload is large enough, the stamp. The caller owns the buffer (writing it to a channel hands it over).
     */
    @Override
    public ByteBuf render(ByteBufAllocator allocator, int packetId, int publisher, int sequence, long sentNanos) {
        ByteBuf buffer = allocator.directBuffer(bytes.length);
        buffer.writeBytes(bytes);
        if (packetIdOffset >= 0) {
            buffer.setShort(packetIdOffset, packetId);
        }
        if (bytes.length - payloadOffset >= PayloadStamp.SIZE) {
            PayloadStamp.write(buffer, payloadOffset, publisher, sequence, sentNanos);
        }
        return buffer;
    }

    @Override
    public QoS qos() {
        return qos;
    }

    /** Bytes on the wire per message. */
    public int size() {
        return bytes.length;
    }
}
