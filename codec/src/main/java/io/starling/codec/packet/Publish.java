package io.starling.codec.packet;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import io.starling.codec.PacketType;
import io.starling.codec.QoS;
import io.starling.codec.property.MqttProperties;

import java.util.Objects;

/**
 * PUBLISH ([MQTT-3.3]). The payload is a reference-counted buffer: when decoded, a retained slice of the
 * inbound buffer, never copied. Whoever holds a Publish releases it exactly once ({@link #release()}).
 *
 * <p>{@code retainFlag} is the RETAIN bit (named so because {@code retain()} is the reference-count increment).
 * {@code packetId} is 0 for QoS 0 and 1..65535 otherwise. {@code topic} may be empty in MQTT 5.0 when the
 * properties carry a Topic Alias ([MQTT-3.3.2-8]).
 */
public record Publish(String topic, QoS qos, boolean retainFlag, boolean dup, int packetId, MqttProperties properties,
                      ByteBuf payload) implements MqttPacket, ReferenceCounted {
    public Publish {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public PacketType type() {
        return PacketType.PUBLISH;
    }

    /** The same message with other header fields; the payload buffer is shared, not retained. */
    public Publish with(String newTopic, QoS newQos, boolean newRetainFlag, boolean newDup, int newPacketId,
                        MqttProperties newProperties) {
        return new Publish(newTopic, newQos, newRetainFlag, newDup, newPacketId, newProperties, payload);
    }

    @Override
    public int refCnt() {
        return payload.refCnt();
    }

    @Override
    public Publish retain() {
        payload.retain();
        return this;
    }

    @Override
    public Publish retain(int increment) {
        payload.retain(increment);
        return this;
    }

    @Override
    public Publish touch() {
        payload.touch();
        return this;
    }

    @Override
    public Publish touch(Object hint) {
        payload.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return payload.release();
    }

    @Override
    public boolean release(int decrement) {
        return payload.release(decrement);
    }

    @Override
    public String toString() {
        return "Publish[topic=" + topic + ", qos=" + qos + ", retain=" + retainFlag + ", dup=" + dup + ", packetId="
                + packetId + ", properties=" + properties + ", payload=" + payload.readableBytes() + " bytes]";
    }
}
