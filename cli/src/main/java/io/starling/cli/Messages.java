package io.starling.cli;

import java.util.List;

/** The messages pub sends and sub receives, independent of the MQTT version and of the client library. */
final class Messages {

    private Messages() {
    }

    /** One MQTT 5 user property; keys may repeat and order is kept, as in the protocol. */
    record UserProperty(String key, String value) {
    }

    /**
     * The MQTT 5 publication properties pub can set and sub shows. A {@code null} field is a property absent from
     * the packet.
     *
     * @param payloadFormatIndicator 1 when the payload is declared UTF-8 text, 0 when declared unspecified bytes
     * @param messageExpiryInterval  seconds; on a received message, the lifetime left
     */
    record Properties(String contentType, String responseTopic, byte[] correlationData,
                      List<UserProperty> userProperties, Long messageExpiryInterval, Integer payloadFormatIndicator) {

        static final Properties NONE = new Properties(null, null, null, List.of(), null, null);

        Properties {
            userProperties = List.copyOf(userProperties);
        }

        boolean isEmpty() {
            return contentType == null && responseTopic == null && correlationData == null
                    && userProperties.isEmpty() && messageExpiryInterval == null && payloadFormatIndicator == null;
        }
    }

    /** A message to publish. */
    record Outgoing(String topic, byte[] payload, int qos, boolean retain, Properties properties) {
    }

    /**
     * A message received on a subscription.
     *
     * @param properties the MQTT 5 properties, {@link Properties#NONE} on a MQTT 3.1.1 connection
     */
    record Received(String topic, byte[] payload, int qos, boolean retain, Properties properties) {
    }
}
