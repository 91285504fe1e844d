package io.starling.it.kit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One packet as read from the socket: the first byte of the fixed header and the body. The views decode the
 * packets a server sends; they fail the test (AssertionError) on anything they cannot parse.
 */
public record RawPacket(int firstByte, byte[] body) {
    public static final int CONNECT = 1;
    public static final int CONNACK = 2;
    public static final int PUBLISH = 3;
    public static final int PUBACK = 4;
    public static final int PUBREC = 5;
    public static final int PUBREL = 6;
    public static final int PUBCOMP = 7;
    public static final int SUBSCRIBE = 8;
    public static final int SUBACK = 9;
    public static final int UNSUBSCRIBE = 10;
    public static final int UNSUBACK = 11;
    public static final int PINGREQ = 12;
    public static final int PINGRESP = 13;
    public static final int DISCONNECT = 14;
    public static final int AUTH = 15;

    private static final String[] NAMES = {"RESERVED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL",
            "PUBCOMP", "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH"};

    public int type() {
        return firstByte >>> 4;
    }

    public int flags() {
        return firstByte & 0x0F;
    }

    public String typeName() {
        return NAMES[type()];
    }

    public static String typeName(int type) {
        return NAMES[type];
    }

    private void requireType(int expected) {
        if (type() != expected) {
            throw new AssertionError("expected " + NAMES[expected] + " but got " + this);
        }
    }

    public record ConnAck(boolean sessionPresent, int reasonCode, PropertyView properties) {
    }

    public record Publish(String topic, int qos, boolean dup, boolean retain, int packetId, PropertyView properties,
                          byte[] payload) {
        public String payloadText() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** PUBACK, PUBREC, PUBREL or PUBCOMP; MQTT 5.0 may omit the reason code (then 0x00). */
    public record Ack(int packetId, int reasonCode, PropertyView properties) {
    }

    public record SubAck(int packetId, List<Integer> reasonCodes, PropertyView properties) {
    }

    public record Disconnect(int reasonCode, PropertyView properties) {
    }

    public ConnAck connAck(boolean v5) {
        requireType(CONNACK);
        PropertyView.Reader reader = new PropertyView.Reader(body, 0);
        int flags = reader.u8();
        int code = reader.u8();
        PropertyView properties = v5 && reader.hasMore() ? PropertyView.read(reader) : PropertyView.EMPTY;
        return new ConnAck((flags & 1) == 1, code, properties);
    }

    public Publish publish(boolean v5) {
        requireType(PUBLISH);
        PropertyView.Reader reader = new PropertyView.Reader(body, 0);
        String topic = reader.string();
        int qos = (flags() >>> 1) & 3;
        int packetId = qos > 0 ? reader.u16() : 0;
        PropertyView properties = v5 ? PropertyView.read(reader) : PropertyView.EMPTY;
        return new Publish(topic, qos, (flags() & 8) != 0, (flags() & 1) != 0, packetId, properties, reader.rest());
    }

    public Ack ack(boolean v5) {
        if (type() < PUBACK || type() > PUBCOMP) {
            throw new AssertionError("expected PUBACK/PUBREC/PUBREL/PUBCOMP but got " + this);
        }
        PropertyView.Reader reader = new PropertyView.Reader(body, 0);
        int packetId = reader.u16();
        int code = v5 && reader.hasMore() ? reader.u8() : 0;
        PropertyView properties = v5 && reader.hasMore() ? PropertyView.read(reader) : PropertyView.EMPTY;
        return new Ack(packetId, code, properties);
    }

    public SubAck subAck(boolean v5) {
        if (type() != SUBACK && type() != UNSUBACK) {
            throw new AssertionError("expected SUBACK/UNSUBACK but got " + this);
        }
        PropertyView.Reader reader = new PropertyView.Reader(body, 0);
        int packetId = reader.u16();
        PropertyView properties = v5 ? PropertyView.read(reader) : PropertyView.EMPTY;
        List<Integer> codes = new ArrayList<>();
        while (reader.hasMore()) {
            codes.add(reader.u8());
        }
        return new SubAck(packetId, codes, properties);
    }

    public Disconnect disconnect() {
        requireType(DISCONNECT);
        PropertyView.Reader reader = new PropertyView.Reader(body, 0);
        int code = reader.hasMore() ? reader.u8() : 0;
        PropertyView properties = reader.hasMore() ? PropertyView.read(reader) : PropertyView.EMPTY;
        return new Disconnect(code, properties);
    }

    @Override
    public String toString() {
        String hex = HexFormat.of().formatHex(body, 0, Math.min(body.length, 48));
        return NAMES[type()] + "(flags=" + flags() + ", " + body.length + " bytes: " + hex
                + (body.length > 48 ? "..." : "") + ")";
    }
}
