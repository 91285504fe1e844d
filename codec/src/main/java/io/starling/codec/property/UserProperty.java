package io.starling.codec.property;

import java.util.Objects;

/** One User Property: a UTF-8 string pair, order and duplicates preserved ([MQTT-3.3.2-18]). */
public record UserProperty(String name, String value) {
    public UserProperty {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
