package io.starling.it.kit;

/**
 * Builds the property section of an MQTT 5.0 packet ([MQTT-2.2.2]): the property length followed by the
 * properties in the order they were added. Nothing is validated, so tests can also build invalid sections.
 */
public final class Props {
    public static final int PAYLOAD_FORMAT_INDICATOR = 0x01;
    public static final int MESSAGE_EXPIRY_INTERVAL = 0x02;
    public static final int CONTENT_TYPE = 0x03;
    public static final int RESPONSE_TOPIC = 0x08;
    public static final int CORRELATION_DATA = 0x09;
    public static final int SUBSCRIPTION_IDENTIFIER = 0x0B;
    public static final int SESSION_EXPIRY_INTERVAL = 0x11;
    public static final int ASSIGNED_CLIENT_IDENTIFIER = 0x12;
    public static final int SERVER_KEEP_ALIVE = 0x13;
    public static final int REQUEST_PROBLEM_INFORMATION = 0x17;
    public static final int WILL_DELAY_INTERVAL = 0x18;
    public static final int REASON_STRING = 0x1F;
    public static final int RECEIVE_MAXIMUM = 0x21;
    public static final int TOPIC_ALIAS_MAXIMUM = 0x22;
    public static final int TOPIC_ALIAS = 0x23;
    public static final int MAXIMUM_QOS = 0x24;
    public static final int RETAIN_AVAILABLE = 0x25;
    public static final int USER_PROPERTY = 0x26;
    public static final int MAXIMUM_PACKET_SIZE = 0x27;
    public static final int WILDCARD_SUBSCRIPTION_AVAILABLE = 0x28;
    public static final int SUBSCRIPTION_IDENTIFIER_AVAILABLE = 0x29;
    public static final int SHARED_SUBSCRIPTION_AVAILABLE = 0x2A;

    private final Wire.Out body = Wire.out();

    public static Props props() {
        return new Props();
    }

    public static byte[] none() {
        return new byte[] {0};
    }

    public Props u8(int id, int value) {
        body.varInt(id).u8(value);
        return this;
    }

    public Props u16(int id, int value) {
        body.varInt(id).u16(value);
        return this;
    }

    public Props u32(int id, long value) {
        body.varInt(id).u32(value);
        return this;
    }

    public Props varInt(int id, int value) {
        body.varInt(id).varInt(value);
        return this;
    }

    public Props string(int id, String value) {
        body.varInt(id).string(value);
        return this;
    }

    public Props binary(int id, byte[] value) {
        body.varInt(id).binary(value);
        return this;
    }

    public Props userProperty(String name, String value) {
        body.varInt(USER_PROPERTY).string(name).string(value);
        return this;
    }

    public Props sessionExpiry(long seconds) {
        return u32(SESSION_EXPIRY_INTERVAL, seconds);
    }

    public Props receiveMaximum(int value) {
        return u16(RECEIVE_MAXIMUM, value);
    }

    public Props topicAlias(int alias) {
        return u16(TOPIC_ALIAS, alias);
    }

    public Props messageExpiry(long seconds) {
        return u32(MESSAGE_EXPIRY_INTERVAL, seconds);
    }

    public Props willDelay(long seconds) {
        return u32(WILL_DELAY_INTERVAL, seconds);
    }

    public Props subscriptionIdentifier(int identifier) {
        return varInt(SUBSCRIPTION_IDENTIFIER, identifier);
    }

    /** The encoded section: property length then properties. */
    public byte[] encode() {
        byte[] properties = body.toByteArray();
        return Wire.out().varInt(properties.length).raw(properties).toByteArray();
    }
}
