package io.starling.storage.rocksdb;

import io.starling.broker.storage.DeliveryState;
import io.starling.broker.storage.StoredMessage;
import io.starling.broker.storage.StoredSession;
import io.starling.broker.storage.StoredSubscription;
import io.starling.codec.QoS;
import io.starling.codec.packet.RetainHandling;
import io.starling.codec.packet.SubscriptionOptions;
import io.starling.codec.packet.Will;
import io.starling.codec.property.MqttProperties;
import io.starling.codec.property.PropertyId;
import io.starling.codec.property.UserProperty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The binary encoding of values. Every value starts with a record-format byte ({@link #RECORD_FORMAT}) so that
 * a later version can change one kind of record and still read the old ones. Integers are variable-length
 * (LEB128, zig-zag for signed values), strings and byte arrays are length-prefixed, enums are written as their
 * MQTT wire values or as fixed codes, never as Java ordinals.
 *
 * <p>Decoding is strict: a truncated value, trailing bytes, an unknown code or invalid UTF-8 throws
 * {@link CorruptRecordException} instead of returning something half right.
 */
final class RecordCodec {

    /** The record format every value is written in. */
    static final int RECORD_FORMAT = 1;

    private static final int FLAG_RETAIN = 0x04;
    private static final int FLAG_HAS_PUBLISHER = 0x08;
    private static final int FLAG_NO_LOCAL = 0x04;
    private static final int FLAG_RETAIN_AS_PUBLISHED = 0x08;
    private static final int QOS_MASK = 0x03;

    private RecordCodec() {
    }

    // Sessions: expiry, disconnected-at, will-due-at, next packet id, then the delayed will if any.

    static byte[] session(StoredSession session) {
        Writer out = new Writer(32);
        out.signed(session.expiryIntervalSeconds());
        out.signed(session.disconnectedAtMillis());
        out.signed(session.willDueAtMillis());
        out.signed(session.nextPacketId());
        Will will = session.delayedWill();
        out.u8(will == null ? 0 : 1);
        if (will != null) {
            out.string(will.topic());
            out.u8(will.qos().value() | (will.retain() ? FLAG_RETAIN : 0));
            properties(out, will.properties());
            out.bytes(will.payload());
        }
        return out.toByteArray();
    }

    static StoredSession session(String clientId, byte[] value) throws CorruptRecordException {
        Reader in = new Reader(value);
        long expiry = in.signed();
        long disconnectedAt = in.signed();
        long willDueAt = in.signed();
        int nextPacketId = in.signedInt();
        Will will = null;
        int hasWill = in.u8();
        if (hasWill == 1) {
            String topic = in.string();
            int flags = in.u8();
            if ((flags & ~(QOS_MASK | FLAG_RETAIN)) != 0) {
                throw new CorruptRecordException("unknown will flags " + flags);
            }
            MqttProperties properties = properties(in);
            will = new Will(topic, in.bytes(), qos(flags), (flags & FLAG_RETAIN) != 0, properties);
        } else if (hasWill != 0) {
            throw new CorruptRecordException("bad will marker " + hasWill);
        }
        in.end();
        return new StoredSession(clientId, expiry, disconnectedAt, will, willDueAt, nextPacketId);
    }

    // Subscriptions: the options byte as on the wire [MQTT-3.8.3.1], then the identifier. The filter is the key.

    static byte[] subscription(StoredSubscription subscription) {
        Writer out = new Writer(8);
        SubscriptionOptions options = subscription.options();
        out.u8(options.maximumQos().value() | (options.noLocal() ? FLAG_NO_LOCAL : 0)
                | (options.retainAsPublished() ? FLAG_RETAIN_AS_PUBLISHED : 0)
                | options.retainHandling().value() << 4);
        out.signed(subscription.subscriptionIdentifier());
        return out.toByteArray();
    }

    static StoredSubscription subscription(String topicFilter, byte[] value) throws CorruptRecordException {
        Reader in = new Reader(value);
        int flags = in.u8();
        int retainHandling = flags >> 4;
        if ((flags & QOS_MASK) == QOS_MASK || retainHandling > RetainHandling.DO_NOT_SEND.value()) {
            throw new CorruptRecordException("bad subscription options " + flags);
        }
        SubscriptionOptions options = new SubscriptionOptions(qos(flags), (flags & FLAG_NO_LOCAL) != 0,
                (flags & FLAG_RETAIN_AS_PUBLISHED) != 0, RetainHandling.of(retainHandling));
        int identifier = in.signedInt();
        in.end();
        return new StoredSubscription(topicFilter, options, identifier);
    }

    // Deliveries, in three parts (see Keys.delivery).

    /** The part that never changes: QoS, retain flag, subscription identifiers. */
    static byte[] deliveryHead(QoS qos, boolean retainFlag, List<Integer> subscriptionIdentifiers) {
        Writer out = new Writer(8);
        out.u8(qos.value() | (retainFlag ? FLAG_RETAIN : 0));
        out.unsigned(subscriptionIdentifiers.size());
        for (int identifier : subscriptionIdentifiers) {
            out.signed(identifier);
        }
        return out.toByteArray();
    }

    record DeliveryHead(QoS qos, boolean retainFlag, List<Integer> subscriptionIdentifiers) {
    }

    static DeliveryHead deliveryHead(byte[] value) throws CorruptRecordException {
        Reader in = new Reader(value);
        int flags = in.u8();
        if ((flags & ~(QOS_MASK | FLAG_RETAIN)) != 0) {
            throw new CorruptRecordException("unknown delivery flags " + flags);
        }
        int count = in.count();
        List<Integer> identifiers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            identifiers.add(in.signedInt());
        }
        in.end();
        return new DeliveryHead(qos(flags), (flags & FLAG_RETAIN) != 0, identifiers);
    }

    static byte[] deliveryState(int packetId, DeliveryState state) {
        Writer out = new Writer(6);
        out.signed(packetId);
        out.u8(stateCode(state));
        return out.toByteArray();
    }

    record DeliveryStatus(int packetId, DeliveryState state) {
    }

    static DeliveryStatus deliveryState(byte[] value) throws CorruptRecordException {
        Reader in = new Reader(value);
        int packetId = in.signedInt();
        DeliveryState state = state(in.u8());
        in.end();
        return new DeliveryStatus(packetId, state);
    }

    // Messages: retained ones and the message part of deliveries.

    static byte[] message(StoredMessage message) {
        Writer out = new Writer(message.payload().length + message.topic().length() + 32);
        out.string(message.topic());
        out.u8(message.qos().value() | (message.retain() ? FLAG_RETAIN : 0)
                | (message.publisherClientId() != null ? FLAG_HAS_PUBLISHER : 0));
        out.signed(message.expiresAtMillis());
        if (message.publisherClientId() != null) {
            out.string(message.publisherClientId());
        }
        properties(out, message.properties());
        out.bytes(message.payload());
        return out.toByteArray();
    }

    static StoredMessage message(byte[] value) throws CorruptRecordException {
        Reader in = new Reader(value);
        String topic = in.string();
        int flags = in.u8();
        if ((flags & ~(QOS_MASK | FLAG_RETAIN | FLAG_HAS_PUBLISHER)) != 0) {
            throw new CorruptRecordException("unknown message flags " + flags);
        }
        long expiresAt = in.signed();
        String publisher = (flags & FLAG_HAS_PUBLISHER) != 0 ? in.string() : null;
        MqttProperties properties = properties(in);
        byte[] payload = in.bytes();
        in.end();
        return new StoredMessage(topic, qos(flags), (flags & FLAG_RETAIN) != 0, properties, payload, expiresAt,
                publisher);
    }

    /** Inbound QoS 2 ids are all key; the value only says which record format the key follows. */
    static byte[] inboundQos2() {
        return new Writer(1).toByteArray();
    }

    static void inboundQos2(byte[] value) throws CorruptRecordException {
        new Reader(value).end();
    }

    // Properties: single-valued ones by identifier, then user properties in order, then subscription ids.

    private static void properties(Writer out, MqttProperties properties) {
        List<PropertyId> present = properties.presentSingleValued();
        out.unsigned(present.size());
        for (PropertyId id : present) {
            out.u8(id.id());
            Object value = properties.rawValue(id);
            switch (id.type()) {
                case BYTE, TWO_BYTE_INTEGER, FOUR_BYTE_INTEGER, VARIABLE_BYTE_INTEGER -> out.signed((Integer) value);
                case UTF8_STRING -> out.string((String) value);
                case BINARY_DATA -> out.bytes((byte[]) value);
                case UTF8_STRING_PAIR -> throw new IllegalStateException("user properties are not single-valued");
            }
        }
        List<UserProperty> userProperties = properties.userProperties();
        out.unsigned(userProperties.size());
        for (UserProperty property : userProperties) {
            out.string(property.name());
            out.string(property.value());
        }
        List<Integer> identifiers = properties.subscriptionIdentifiers();
        out.unsigned(identifiers.size());
        for (int identifier : identifiers) {
            out.signed(identifier);
        }
    }

    private static MqttProperties properties(Reader in) throws CorruptRecordException {
        int single = in.count();
        MqttProperties.Builder builder = MqttProperties.builder();
        for (int i = 0; i < single; i++) {
            int code = in.u8();
            PropertyId id = PropertyId.of(code);
            if (id == null || id.repeatable()) {
                throw new CorruptRecordException("unknown property identifier " + code);
            }
            switch (id.type()) {
                case BYTE, TWO_BYTE_INTEGER, FOUR_BYTE_INTEGER, VARIABLE_BYTE_INTEGER -> builder.setInt(id, in.signedInt());
                case UTF8_STRING -> builder.setString(id, in.string());
                case BINARY_DATA -> builder.setBinary(id, in.bytes());
                case UTF8_STRING_PAIR -> throw new CorruptRecordException("unexpected string pair " + id);
            }
        }
        int users = in.count();
        for (int i = 0; i < users; i++) {
            builder.addUserProperty(in.string(), in.string());
        }
        int identifiers = in.count();
        for (int i = 0; i < identifiers; i++) {
            builder.addSubscriptionIdentifier(in.signedInt());
        }
        return builder.build();
    }

    private static QoS qos(int flags) throws CorruptRecordException {
        int value = flags & QOS_MASK;
        if (value == QOS_MASK) {
            throw new CorruptRecordException("QoS 3");
        }
        return QoS.of(value);
    }

    private static int stateCode(DeliveryState state) {
        return switch (state) {
            case QUEUED -> 0;
            case AWAITING_PUBACK -> 1;
            case AWAITING_PUBREC -> 2;
            case AWAITING_PUBCOMP -> 3;
        };
    }

    private static DeliveryState state(int code) throws CorruptRecordException {
        return switch (code) {
            case 0 -> DeliveryState.QUEUED;
            case 1 -> DeliveryState.AWAITING_PUBACK;
            case 2 -> DeliveryState.AWAITING_PUBREC;
            case 3 -> DeliveryState.AWAITING_PUBCOMP;
            default -> throw new CorruptRecordException("unknown delivery state " + code);
        };
    }

    /** A growable buffer that starts every value with the record format. */
    static final class Writer {
        private byte[] buffer;
        private int length;

        Writer(int expectedSize) {
            buffer = new byte[Math.max(8, expectedSize + 1)];
            buffer[length++] = RECORD_FORMAT;
        }

        void u8(int value) {
            ensure(1);
            buffer[length++] = (byte) value;
        }

        void unsigned(long value) {
            ensure(10);
            while ((value & ~0x7FL) != 0) {
                buffer[length++] = (byte) ((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            buffer[length++] = (byte) value;
        }

        void signed(long value) {
            unsigned((value << 1) ^ (value >> 63));
        }

        void bytes(byte[] value) {
            unsigned(value.length);
            ensure(value.length);
            System.arraycopy(value, 0, buffer, length, value.length);
            length += value.length;
        }

        void string(String value) {
            bytes(Keys.Utf8.encode(value, "string"));
        }

        byte[] toByteArray() {
            return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
        }

        private void ensure(int more) {
            if (length + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
            }
        }
    }

    /** Reads one value; checks the record format first and every length against what is left. */
    static final class Reader {
        private final byte[] buffer;
        private int position;

        Reader(byte[] value) throws CorruptRecordException {
            this.buffer = value;
            if (value.length == 0) {
                throw new CorruptRecordException("empty value");
            }
            int format = value[position++] & 0xFF;
            if (format != RECORD_FORMAT) {
                throw new CorruptRecordException("record format " + format + ", this Starling reads record format "
                        + RECORD_FORMAT);
            }
        }

        int u8() throws CorruptRecordException {
            need(1);
            return buffer[position++] & 0xFF;
        }

        long unsigned() throws CorruptRecordException {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8();
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new CorruptRecordException("variable-length integer too long at byte " + position);
        }

        long signed() throws CorruptRecordException {
            long raw = unsigned();
            return (raw >>> 1) ^ -(raw & 1);
        }

        int signedInt() throws CorruptRecordException {
            long value = signed();
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw new CorruptRecordException("integer out of range: " + value);
            }
            return (int) value;
        }

        /** A count or length, which cannot exceed the bytes left (each element takes at least one byte). */
        int count() throws CorruptRecordException {
            long value = unsigned();
            if (value > buffer.length - position) {
                throw new CorruptRecordException("length " + value + " exceeds the " + (buffer.length - position)
                        + " bytes left (truncated?)");
            }
            return (int) value;
        }

        byte[] bytes() throws CorruptRecordException {
            int size = count();
            byte[] value = Arrays.copyOfRange(buffer, position, position + size);
            position += size;
            return value;
        }

        String string() throws CorruptRecordException {
            int size = count();
            String value = Keys.Utf8.decode(buffer, position, size);
            position += size;
            return value;
        }

        void end() throws CorruptRecordException {
            if (position != buffer.length) {
                throw new CorruptRecordException((buffer.length - position) + " unexpected bytes at the end");
            }
        }

        private void need(int bytes) throws CorruptRecordException {
            if (buffer.length - position < bytes) {
                throw new CorruptRecordException("value ends early at byte " + position + " (truncated?)");
            }
        }
    }
}
