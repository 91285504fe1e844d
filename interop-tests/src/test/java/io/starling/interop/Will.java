package io.starling.interop;

import java.util.Objects;

/** A Will Message given in CONNECT. */
public record Will(String topic, String payload, int qos, boolean retain) {
    public Will {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
    }
}
