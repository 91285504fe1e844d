package io.starling.interop;

import java.util.List;
import java.util.Optional;

/**
 * One MQTT connection made by some client library, as the scenario uses it. A connection exists only once the
 * broker accepted it (CONNACK) and, when the {@link ConnectSpec} has filters, acknowledged the SUBSCRIBE.
 */
public interface Connection extends AutoCloseable {

    /** What made this connection, for failure messages: "MQTT.js 3.1.1 js-311-q1-sub". */
    String describe();

    /** The CONNACK's Session Present flag; empty where the client does not show it (mosquitto_sub). */
    Optional<Boolean> sessionPresent();

    /** The SUBACK's granted QoS per filter (or MQTT 5 reason code); empty when nothing was subscribed. */
    List<Integer> grantedQos();

    Inbox inbox();

    /** Publishes and returns once the flow completed: written (QoS 0), PUBACK (QoS 1) or PUBCOMP (QoS 2). */
    void publish(String topic, String payload, int qos, boolean retain);

    /** Sends DISCONNECT (normal disconnection) and waits until the client closed its side. */
    void disconnect();

    /** Ends the network connection without DISCONNECT, as a crash or a lost network would. */
    void crash();

    /** Releases what is left; a connection still open is crashed. Never throws. */
    @Override
    void close();
}
