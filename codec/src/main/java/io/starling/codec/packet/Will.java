package io.starling.codec.packet;

import io.starling.codec.QoS;
import io.starling.codec.property.MqttProperties;

import java.util.Arrays;
import java.util.Objects;

/**
 * The Will Message of a CONNECT ([MQTT-3.1.2-8]..[MQTT-3.1.2-15], [MQTT-3.1.3.2]). The payload is a small
 * byte array owned by the record: a will lives as long as its session, so it is copied out of the inbound buffer.
 */
public record Will(String topic, byte[] payload, QoS qos, boolean retain, MqttProperties properties) {
    public Will {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(properties, "properties");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Will that && topic.equals(that.topic) && Arrays.equals(payload, that.payload)
                && qos == that.qos && retain == that.retain && properties.equals(that.properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, Arrays.hashCode(payload), qos, retain, properties);
    }

    @Override
    public String toString() {
        return "Will[topic=" + topic + ", payload=" + payload.length + " bytes, qos=" + qos + ", retain=" + retain
                + ", properties=" + properties + "]";
    }
}
