package io.starling.it.kit;

import java.nio.charset.StandardCharsets;

/**
 * A message as one of the foreign clients delivered it, in a client-neutral form; {@code original} is the
 * client's own object (Paho MqttMessage, HiveMQ Mqtt5Publish) for client-specific details such as properties.
 */
public record Msg(String topic, byte[] payload, int qos, boolean retain, boolean dup, long receivedNanos,
                  Object original) {

    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** "topic:payload", handy for comparing lists. */
    public String key() {
        return topic + ":" + text();
    }

    @Override
    public String toString() {
        return "Msg[" + key() + ", qos=" + qos + ", retain=" + retain + ", dup=" + dup + "]";
    }
}
