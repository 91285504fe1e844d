package io.starling.cli;

import com.hivemq.client.mqtt.exceptions.ConnectionClosedException;
import com.hivemq.client.mqtt.exceptions.ConnectionFailedException;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubRecException;
import com.hivemq.client.mqtt.mqtt5.message.Mqtt5ReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubrec.Mqtt5PubRec;
import com.hivemq.client.mqtt.datatypes.MqttUtf8String;

import java.util.Locale;
import java.util.Optional;

/** Turns the client library's exceptions into the one-line causes the commands print. */
final class Errors {

    private Errors() {
    }

    /** A failed CONNECT: the broker could not be reached, or it answered with a refusing CONNACK. */
    static CliException connectFailed(ConnectionOptions options, RuntimeException failure) {
        if (failure instanceof ConnectionFailedException) {
            return new CliException("cannot connect to " + options.address() + ": " + rootCauseMessage(failure),
                    failure);
        }
        return new CliException(options.address() + " " + describe(failure), failure);
    }

    /** One line saying what went wrong, with the MQTT reason code when the broker gave one. */
    static String describe(Throwable failure) {
        // The client library's exceptions may arrive wrapped; the first one it defines says the most.
        Throwable current = failure;
        for (int depth = 0; current != null && depth < 20; depth++, current = current.getCause()) {
            String known = describeKnown(current);
            if (known != null) {
                return known;
            }
        }
        return rootCauseMessage(failure);
    }

    private static String describeKnown(Throwable failure) {
        if (failure instanceof Mqtt5ConnAckException e) {
            Mqtt5ConnAck connAck = e.getMqttMessage();
            return "refused the connection: " + reasonCode(connAck.getReasonCode()) + reasonString(
                    connAck.getReasonString());
        }
        if (failure instanceof Mqtt3ConnAckException e) {
            Mqtt3ConnAck connAck = e.getMqttMessage();
            return "refused the connection: return code " + connAck.getReturnCode().getCode() + " "
                    + words(connAck.getReturnCode().name());
        }
        if (failure instanceof Mqtt5PubAckException e) {
            Mqtt5PubAck pubAck = e.getMqttMessage();
            return "publish refused: " + reasonCode(pubAck.getReasonCode()) + reasonString(pubAck.getReasonString());
        }
        if (failure instanceof Mqtt5PubRecException e) {
            Mqtt5PubRec pubRec = e.getMqttMessage();
            return "publish refused: " + reasonCode(pubRec.getReasonCode()) + reasonString(pubRec.getReasonString());
        }
        if (failure instanceof Mqtt5DisconnectException e) {
            Mqtt5Disconnect disconnect = e.getMqttMessage();
            return "the broker disconnected: " + reasonCode(disconnect.getReasonCode())
                    + reasonString(disconnect.getReasonString());
        }
        if (failure instanceof ConnectionClosedException) {
            return "the broker closed the connection";
        }
        if (failure instanceof ConnectionFailedException) {
            return "cannot connect: " + rootCauseMessage(failure);
        }
        return null;
    }

    /** {@code 0x87 Not authorized}: the code as the spec's tables print it, then its name. */
    static String reasonCode(Mqtt5ReasonCode code) {
        String name = code instanceof Enum<?> constant ? " " + words(constant.name()) : "";
        return String.format(Locale.ROOT, "0x%02X", code.getCode()) + name;
    }

    static String words(String enumName) {
        String lower = enumName.toLowerCase(Locale.ROOT).replace('_', ' ');
        return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
    }

    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s+", " ");
    }

    private static String reasonString(Optional<MqttUtf8String> reasonString) {
        return reasonString.map(text -> " (" + oneLine(text.toString()) + ")").orElse("");
    }

    /** The innermost cause's message: the socket's own words ("Connection refused"), not the wrappers'. */
    static String rootCauseMessage(Throwable failure) {
        Throwable root = failure;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 20; depth++) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            return root.getClass().getSimpleName();
        }
        // Netty appends the address ("Connection refused: /127.0.0.1:1883"), which the caller already names.
        int address = message.indexOf(": /");
        return withoutSystemCall(oneLine(address > 0 ? message.substring(0, address) : message));
    }

    /** Drops what Netty's native transport puts before the system's words: "bind(..) failed with error(-98): ". */
    static String withoutSystemCall(String message) {
        return message.replaceAll("\\w+\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", "");
    }
}
