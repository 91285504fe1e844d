package io.starling.broker.routing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.starling.codec.QoS;
import io.starling.codec.packet.Will;
import io.starling.codec.property.MqttProperties;

/**
 * An application message as the broker routes it, independent of the packet that brought it and of the protocol
 * version of whoever receives it.
 *
 * <p>{@code properties} holds only what is forwarded unchanged to subscribers ([MQTT-3.3.2-17], [MQTT-3.3.2-18],
 * [MQTT-3.3.2-20], [MQTT-3.3.2-15]): payload format indicator, content type, response topic, correlation data and
 * user properties. Topic Alias and Subscription Identifiers belong to one hop and are dropped on the way in; the
 * Message Expiry Interval becomes {@code expiresAtMillis} so that the remaining time can be sent on
 * ([MQTT-3.3.2-6]).
 *
 * <p>The payload is reference-counted and shared by every delivery of the message: each holder of the message
 * holds one reference and releases it exactly once.
 *
 * @param expiresAtMillis wall-clock time (epoch millis) after which the message must not be delivered, or 0 when
 *                        it never expires
 * @param publisherClientId the client that published it, or null for messages the broker makes itself; used for
 *                        No Local ([MQTT-3.8.3-3])
 */
public record ApplicationMessage(String topic, QoS qos, boolean retain, MqttProperties properties, ByteBuf payload,
                                 long expiresAtMillis, String publisherClientId) {

    /**
     * The message a will becomes when it is published ([MQTT-3.1.2-8]): its Will Delay Interval is dropped and its
     * Message Expiry Interval starts now. The payload is wrapped, not copied.
     */
    public static ApplicationMessage fromWill(Will will, String clientId, long nowMillis) {
        MqttProperties properties = will.properties();
        long expiresAt = 0;
        if (!properties.isEmpty()) {
            Long expiry = properties.messageExpiryInterval();
            if (expiry != null) {
                expiresAt = nowMillis + expiry * 1000;
            }
            properties = properties.toBuilder().willDelayInterval(null).messageExpiryInterval(null).build();
        }
        return new ApplicationMessage(will.topic(), will.qos(), will.retain(), properties,
                Unpooled.wrappedBuffer(will.payload()), expiresAt, clientId);
    }

    public boolean isExpired(long nowMillis) {
        return expiresAtMillis != 0 && nowMillis >= expiresAtMillis;
    }

    /** The Message Expiry Interval to send now: the remaining whole seconds, at least 1 while not expired. */
    public long remainingExpirySeconds(long nowMillis) {
        long remaining = expiresAtMillis - nowMillis;
        return Math.max(1, (remaining + 999) / 1000);
    }

    /** Takes one more reference to the payload for another holder. */
    public ApplicationMessage retainPayload() {
        payload.retain();
        return this;
    }

    public void releasePayload() {
        payload.release();
    }

    /** The payload size, which queue limits count. */
    public int payloadSize() {
        return payload.readableBytes();
    }
}
