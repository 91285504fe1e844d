package io.starling.broker.storage;

import io.starling.codec.QoS;
import io.starling.codec.property.MqttProperties;

import java.util.Arrays;
import java.util.Objects;

/**
 * An application message as stored: what is needed to deliver it again after a restart. {@code properties} are
 * the forwarded ones (payload format, content type, response topic, correlation data, user properties);
 * {@code expiresAtMillis} is wall-clock epoch millis, 0 for never.
 */
public record StoredMessage(String topic, QoS qos, boolean retain, MqttProperties properties, byte[] payload,
                            long expiresAtMillis, String publisherClientId) {
    public StoredMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StoredMessage that && topic.equals(that.topic) && qos == that.qos
                && retain == that.retain && properties.equals(that.properties) && Arrays.equals(payload, that.payload)
                && expiresAtMillis == that.expiresAtMillis && Objects.equals(publisherClientId, that.publisherClientId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, qos, retain, properties, Arrays.hashCode(payload), expiresAtMillis,
                publisherClientId);
    }
}
