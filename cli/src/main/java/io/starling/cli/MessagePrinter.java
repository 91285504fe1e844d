package io.starling.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** How sub writes a received message: the payload alone, "topic payload", or one JSON object per line. */
final class MessagePrinter {

    enum Format { PAYLOAD, VERBOSE, JSON }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Format format;
    private final boolean newline;

    MessagePrinter(Format format, boolean newline) {
        this.format = format;
        this.newline = newline;
    }

    void print(Messages.Received message, PrintWriter out) {
        String text = switch (format) {
            case PAYLOAD -> lenientText(message.payload());
            case VERBOSE -> message.topic() + " " + lenientText(message.payload());
            case JSON -> json(message);
        };
        out.print(text);
        if (newline || format == Format.JSON) {
            out.print('\n');
        }
        out.flush(); // one message at a time, for pipes
    }

    /**
     * The JSON form: {@code topic}, {@code qos}, {@code retain}, {@code payload} with {@code payloadEncoding}
     * ({@code utf8} when the bytes are valid UTF-8, otherwise {@code base64}), and, for MQTT 5 messages that carry
     * any, {@code properties}.
     */
    static String json(Messages.Received message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("topic", message.topic());
        node.put("qos", message.qos());
        node.put("retain", message.retain());
        putBytes(node, "payload", message.payload());
        Messages.Properties properties = message.properties();
        if (!properties.isEmpty()) {
            node.set("properties", properties(properties));
        }
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static ObjectNode properties(Messages.Properties properties) {
        ObjectNode node = JSON.createObjectNode();
        if (properties.payloadFormatIndicator() != null) {
            node.put("payloadFormatIndicator", properties.payloadFormatIndicator());
        }
        if (properties.messageExpiryInterval() != null) {
            node.put("messageExpiryInterval", properties.messageExpiryInterval());
        }
        if (properties.contentType() != null) {
            node.put("contentType", properties.contentType());
        }
        if (properties.responseTopic() != null) {
            node.put("responseTopic", properties.responseTopic());
        }
        if (properties.correlationData() != null) {
            putBytes(node, "correlationData", properties.correlationData());
        }
        if (!properties.userProperties().isEmpty()) {
            // A list, not an object: keys may repeat and their order is part of the message [MQTT-3.3.2-18].
            ArrayNode userProperties = node.putArray("userProperties");
            properties.userProperties().forEach(p -> userProperties.addObject().put("key", p.key())
                    .put("value", p.value()));
        }
        return node;
    }

    private static void putBytes(ObjectNode node, String field, byte[] bytes) {
        Optional<String> text = strictText(bytes);
        node.put(field, text.orElseGet(() -> Base64.getEncoder().encodeToString(bytes)));
        node.put(field + "Encoding", text.isPresent() ? "utf8" : "base64");
    }

    static Optional<String> strictText(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (CharacterCodingException notUtf8) {
            return Optional.empty();
        }
    }

    /** Plain output is text: bytes that are not UTF-8 show as U+FFFD; --json keeps them exactly, in base64. */
    private static String lenientText(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
