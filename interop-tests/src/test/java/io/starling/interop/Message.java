package io.starling.interop;

/**
 * An application message as a client library delivered it: what the scenario compares. Payloads are UTF-8 text
 * (with non-ASCII characters, so that a client re-encoding them would show).
 */
public record Message(String topic, String payload, int qos, boolean retain) {
}
