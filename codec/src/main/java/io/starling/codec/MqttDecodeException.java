package io.starling.codec;

/**
 * A packet that breaks the specification. Carries the reason code the spec assigns to the violation
 * (usually {@link ReasonCode#MALFORMED_PACKET} or {@link ReasonCode#PROTOCOL_ERROR}, sometimes a more precise one
 * such as {@link ReasonCode#PACKET_TOO_LARGE}, {@link ReasonCode#TOPIC_NAME_INVALID} or
 * {@link ReasonCode#UNSUPPORTED_PROTOCOL_VERSION}) and, when known, the type of the offending packet.
 * It is the only exception the decoder lets escape; the broker decides the reaction (CONNACK, DISCONNECT, close).
 */
public final class MqttDecodeException extends RuntimeException {
    private final ReasonCode reasonCode;
    private final PacketType packetType;

    public MqttDecodeException(ReasonCode reasonCode, PacketType packetType, String message) {
        super(message, null, false, false); // no stack trace: these are expected, frequent and cheap
        this.reasonCode = reasonCode;
        this.packetType = packetType;
    }

    public ReasonCode reasonCode() {
        return reasonCode;
    }

    /** The type of the packet being decoded, or null when the fixed header itself was bad. */
    public PacketType packetType() {
        return packetType;
    }
}
