package io.starling.codec.property;

import io.starling.codec.PacketType;

import java.util.EnumSet;
import java.util.Set;

import static io.starling.codec.PacketType.*;

/**
 * Every MQTT 5.0 property, its identifier, wire type and the packets it may appear in ([MQTT-2.2.2.2], table 2-4).
 * A property in a packet not listed here is a Protocol Error; so is any property but User Property and
 * Subscription Identifier appearing twice.
 *
 * <p>{@link #inWill} marks the properties allowed in the Will Properties of CONNECT ([MQTT-3.1.3.2]).
 */
public enum PropertyId {
    PAYLOAD_FORMAT_INDICATOR(0x01, PropertyType.BYTE, true, PUBLISH),
    MESSAGE_EXPIRY_INTERVAL(0x02, PropertyType.FOUR_BYTE_INTEGER, true, PUBLISH),
    CONTENT_TYPE(0x03, PropertyType.UTF8_STRING, true, PUBLISH),
    RESPONSE_TOPIC(0x08, PropertyType.UTF8_STRING, true, PUBLISH),
    CORRELATION_DATA(0x09, PropertyType.BINARY_DATA, true, PUBLISH),
    SUBSCRIPTION_IDENTIFIER(0x0B, PropertyType.VARIABLE_BYTE_INTEGER, false, PUBLISH, SUBSCRIBE),
    SESSION_EXPIRY_INTERVAL(0x11, PropertyType.FOUR_BYTE_INTEGER, false, CONNECT, CONNACK, DISCONNECT),
    ASSIGNED_CLIENT_IDENTIFIER(0x12, PropertyType.UTF8_STRING, false, CONNACK),
    SERVER_KEEP_ALIVE(0x13, PropertyType.TWO_BYTE_INTEGER, false, CONNACK),
    AUTHENTICATION_METHOD(0x15, PropertyType.UTF8_STRING, false, CONNECT, CONNACK, AUTH),
    AUTHENTICATION_DATA(0x16, PropertyType.BINARY_DATA, false, CONNECT, CONNACK, AUTH),
    REQUEST_PROBLEM_INFORMATION(0x17, PropertyType.BYTE, false, CONNECT),
    WILL_DELAY_INTERVAL(0x18, PropertyType.FOUR_BYTE_INTEGER, true),
    REQUEST_RESPONSE_INFORMATION(0x19, PropertyType.BYTE, false, CONNECT),
    RESPONSE_INFORMATION(0x1A, PropertyType.UTF8_STRING, false, CONNACK),
    SERVER_REFERENCE(0x1C, PropertyType.UTF8_STRING, false, CONNACK, DISCONNECT),
    REASON_STRING(0x1F, PropertyType.UTF8_STRING, false,
            CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT, AUTH),
    RECEIVE_MAXIMUM(0x21, PropertyType.TWO_BYTE_INTEGER, false, CONNECT, CONNACK),
    TOPIC_ALIAS_MAXIMUM(0x22, PropertyType.TWO_BYTE_INTEGER, false, CONNECT, CONNACK),
    TOPIC_ALIAS(0x23, PropertyType.TWO_BYTE_INTEGER, false, PUBLISH),
    MAXIMUM_QOS(0x24, PropertyType.BYTE, false, CONNACK),
    RETAIN_AVAILABLE(0x25, PropertyType.BYTE, false, CONNACK),
    USER_PROPERTY(0x26, PropertyType.UTF8_STRING_PAIR, true,
            CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK,
            UNSUBSCRIBE, UNSUBACK, DISCONNECT, AUTH),
    MAXIMUM_PACKET_SIZE(0x27, PropertyType.FOUR_BYTE_INTEGER, false, CONNECT, CONNACK),
    WILDCARD_SUBSCRIPTION_AVAILABLE(0x28, PropertyType.BYTE, false, CONNACK),
    SUBSCRIPTION_IDENTIFIER_AVAILABLE(0x29, PropertyType.BYTE, false, CONNACK),
    SHARED_SUBSCRIPTION_AVAILABLE(0x2A, PropertyType.BYTE, false, CONNACK);

    private static final PropertyId[] BY_ID = new PropertyId[0x80];

    static {
        for (PropertyId property : values()) {
            BY_ID[property.id] = property;
        }
    }

    private final int id;
    private final PropertyType type;
    private final boolean inWill;
    private final Set<PacketType> allowedIn;

    PropertyId(int id, PropertyType type, boolean inWill, PacketType... allowedIn) {
        this.id = id;
        this.type = type;
        this.inWill = inWill;
        this.allowedIn = allowedIn.length == 0 ? EnumSet.noneOf(PacketType.class) : EnumSet.of(allowedIn[0], allowedIn);
    }

    public int id() {
        return id;
    }

    public PropertyType type() {
        return type;
    }

    /** Whether the property may appear in the Will Properties of a CONNECT. */
    public boolean inWill() {
        return inWill;
    }

    /** Whether the property may appear in the property section of the given packet type. */
    public boolean allowedIn(PacketType packetType) {
        return allowedIn.contains(packetType);
    }

    /** Only these two may appear more than once in one property section ([MQTT-2.2.2.2]). */
    public boolean repeatable() {
        return this == USER_PROPERTY || this == SUBSCRIPTION_IDENTIFIER;
    }

    /** The property with the given identifier, or null when none is defined. */
    public static PropertyId of(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }
}
