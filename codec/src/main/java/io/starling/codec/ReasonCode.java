package io.starling.codec;

/**
 * MQTT 5.0 reason codes ([MQTT-2.4]). Several meanings share the value 0x00 (Success, Normal disconnection,
 * Granted QoS 0); they are one constant here with aliases, because the wire cannot tell them apart.
 *
 * <p>For MQTT 3.1 and 3.1.1 the encoder maps these to the older CONNACK return codes and SUBACK values;
 * see {@link #toV3ConnectReturnCode()}.
 */
public enum ReasonCode {
    SUCCESS(0x00),
    GRANTED_QOS_1(0x01),
    GRANTED_QOS_2(0x02),
    DISCONNECT_WITH_WILL_MESSAGE(0x04),
    NO_MATCHING_SUBSCRIBERS(0x10),
    NO_SUBSCRIPTION_EXISTED(0x11),
    CONTINUE_AUTHENTICATION(0x18),
    RE_AUTHENTICATE(0x19),
    UNSPECIFIED_ERROR(0x80),
    MALFORMED_PACKET(0x81),
    PROTOCOL_ERROR(0x82),
    IMPLEMENTATION_SPECIFIC_ERROR(0x83),
    UNSUPPORTED_PROTOCOL_VERSION(0x84),
    CLIENT_IDENTIFIER_NOT_VALID(0x85),
    BAD_USER_NAME_OR_PASSWORD(0x86),
    NOT_AUTHORIZED(0x87),
    SERVER_UNAVAILABLE(0x88),
    SERVER_BUSY(0x89),
    BANNED(0x8A),
    SERVER_SHUTTING_DOWN(0x8B),
    BAD_AUTHENTICATION_METHOD(0x8C),
    KEEP_ALIVE_TIMEOUT(0x8D),
    SESSION_TAKEN_OVER(0x8E),
    TOPIC_FILTER_INVALID(0x8F),
    TOPIC_NAME_INVALID(0x90),
    PACKET_IDENTIFIER_IN_USE(0x91),
    PACKET_IDENTIFIER_NOT_FOUND(0x92),
    RECEIVE_MAXIMUM_EXCEEDED(0x93),
    TOPIC_ALIAS_INVALID(0x94),
    PACKET_TOO_LARGE(0x95),
    MESSAGE_RATE_TOO_HIGH(0x96),
    QUOTA_EXCEEDED(0x97),
    ADMINISTRATIVE_ACTION(0x98),
    PAYLOAD_FORMAT_INVALID(0x99),
    RETAIN_NOT_SUPPORTED(0x9A),
    QOS_NOT_SUPPORTED(0x9B),
    USE_ANOTHER_SERVER(0x9C),
    SERVER_MOVED(0x9D),
    SHARED_SUBSCRIPTIONS_NOT_SUPPORTED(0x9E),
    CONNECTION_RATE_EXCEEDED(0x9F),
    MAXIMUM_CONNECT_TIME(0xA0),
    SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED(0xA1),
    WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED(0xA2);

    /** 0x00 in DISCONNECT. */
    public static final ReasonCode NORMAL_DISCONNECTION = SUCCESS;
    /** 0x00 in SUBACK. */
    public static final ReasonCode GRANTED_QOS_0 = SUCCESS;

    private static final ReasonCode[] BY_VALUE = new ReasonCode[256];

    static {
        for (ReasonCode code : values()) {
            BY_VALUE[code.value] = code;
        }
    }

    private final int value;

    ReasonCode(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** Values of 0x80 and above are failures ([MQTT-2.4]). */
    public boolean isError() {
        return value >= 0x80;
    }

    /** The reason code for a wire value, or null when the value is not defined by the specification. */
    public static ReasonCode of(int value) {
        return value >= 0 && value < 256 ? BY_VALUE[value] : null;
    }

    /** The granted-QoS reason code for a SUBACK. */
    public static ReasonCode granted(QoS qos) {
        return switch (qos) {
            case AT_MOST_ONCE -> GRANTED_QOS_0;
            case AT_LEAST_ONCE -> GRANTED_QOS_1;
            case EXACTLY_ONCE -> GRANTED_QOS_2;
        };
    }

    /** The MQTT 3.1 / 3.1.1 CONNACK return code that best carries this reason ([MQTT-3.2.2-3] table 3.1). */
    public int toV3ConnectReturnCode() {
        return switch (this) {
            case SUCCESS -> 0x00;
            case UNSUPPORTED_PROTOCOL_VERSION -> 0x01;
            case CLIENT_IDENTIFIER_NOT_VALID -> 0x02;
            case BAD_USER_NAME_OR_PASSWORD, BAD_AUTHENTICATION_METHOD -> 0x04;
            case NOT_AUTHORIZED, BANNED -> 0x05;
            default -> 0x03; // server unavailable: the only remaining v3 refusal
        };
    }

    /** The reason code for a MQTT 3.1 / 3.1.1 CONNACK return code, or null for a reserved value. */
    public static ReasonCode fromV3ConnectReturnCode(int returnCode) {
        return switch (returnCode) {
            case 0x00 -> SUCCESS;
            case 0x01 -> UNSUPPORTED_PROTOCOL_VERSION;
            case 0x02 -> CLIENT_IDENTIFIER_NOT_VALID;
            case 0x03 -> SERVER_UNAVAILABLE;
            case 0x04 -> BAD_USER_NAME_OR_PASSWORD;
            case 0x05 -> NOT_AUTHORIZED;
            default -> null;
        };
    }
}
