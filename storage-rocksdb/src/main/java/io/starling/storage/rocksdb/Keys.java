package io.starling.storage.rocksdb;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Key layout. Everything a session owns is keyed {@code clientId 0x00 rest}: RocksDB orders keys bytewise, so a
 * session's records of one kind form one contiguous range, from {@code clientId 0x00} (inclusive) to
 * {@code clientId 0x01} (exclusive), which {@code RemoveSession} deletes with one range deletion.
 *
 * <p>The 0x00 separator is safe because a client identifier never contains U+0000: MQTT forbids the null
 * character in every UTF-8 string [MQTT-1.5.4-2], and UTF-8 encodes no other character with a 0x00 byte. The
 * store still refuses such an identifier rather than trusting the caller.
 *
 * <p>Numbers are big-endian with the sign bit flipped, so that byte order equals signed numeric order and a
 * session's deliveries come back in sequence order.
 */
final class Keys {

    /** The parts of one delivery, in key order: see {@link #delivery}. */
    static final byte DELIVERY_HEAD = 0;
    static final byte DELIVERY_STATE = 1;
    static final byte DELIVERY_MESSAGE = 2;

    static final byte[] FORMAT_VERSION = "format-version".getBytes(StandardCharsets.US_ASCII);

    private static final int SEQUENCE_LENGTH = Long.BYTES;
    private static final int PACKET_ID_LENGTH = Integer.BYTES;

    private Keys() {
    }

    static byte[] session(String clientId) {
        return clientId(clientId);
    }

    /** The first key of a client's range in the per-session column families. */
    static byte[] clientRangeStart(String clientId) {
        byte[] id = clientId(clientId);
        return Arrays.copyOf(id, id.length + 1);
    }

    /** The first key after a client's range. */
    static byte[] clientRangeEnd(String clientId) {
        byte[] end = clientRangeStart(clientId);
        end[end.length - 1] = 1;
        return end;
    }

    static byte[] subscription(String clientId, String topicFilter) {
        byte[] prefix = clientRangeStart(clientId);
        byte[] filter = Utf8.encode(topicFilter, "topic filter");
        byte[] key = Arrays.copyOf(prefix, prefix.length + filter.length);
        System.arraycopy(filter, 0, key, prefix.length, filter.length);
        return key;
    }

    /**
     * A delivery is kept as up to three records under {@code clientId 0x00 sequence part}: the head (QoS, retain
     * flag, subscription identifiers: never changed), the state (packet identifier and state: changed by
     * {@code UpdateDelivery} without reading anything), and the message (dropped in AWAITING_PUBCOMP). Splitting
     * them lets a state change write a few bytes instead of rewriting the payload.
     */
    static byte[] delivery(String clientId, long sequence, byte part) {
        byte[] prefix = clientRangeStart(clientId);
        ByteBuffer key = ByteBuffer.allocate(prefix.length + SEQUENCE_LENGTH + 1);
        key.put(prefix).putLong(sequence ^ Long.MIN_VALUE).put(part);
        return key.array();
    }

    static byte[] inboundQos2(String clientId, int packetId) {
        byte[] prefix = clientRangeStart(clientId);
        ByteBuffer key = ByteBuffer.allocate(prefix.length + PACKET_ID_LENGTH);
        key.put(prefix).putInt(packetId ^ Integer.MIN_VALUE);
        return key.array();
    }

    static byte[] retained(String topic) {
        return Utf8.encode(topic, "topic");
    }

    /**
     * The last client identifier each thread encoded, and its bytes: a thread writes for one session many times in
     * a row (a session's operations are made on its event loop), so most keys skip the encoding. Compared by
     * identity, and the cached array is never modified (keys that extend it copy it).
     */
    private static final ThreadLocal<Object[]> LAST_CLIENT_ID = ThreadLocal.withInitial(() -> new Object[2]);

    private static byte[] clientId(String clientId) {
        Object[] last = LAST_CLIENT_ID.get();
        if (last[0] == clientId) {
            return (byte[]) last[1];
        }
        byte[] bytes = encodeClientId(clientId);
        last[0] = clientId;
        last[1] = bytes;
        return bytes;
    }

    private static byte[] encodeClientId(String clientId) {
        byte[] bytes = Utf8.encode(clientId, "client identifier");
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("client identifier contains U+0000 [MQTT-1.5.4-2]");
            }
        }
        return bytes;
    }

    // Reading keys back.

    /** Where the client identifier of a per-session key ends (its 0x00 separator). */
    static int separator(byte[] key) throws CorruptRecordException {
        for (int i = 0; i < key.length; i++) {
            if (key[i] == 0) {
                return i;
            }
        }
        throw new CorruptRecordException("key has no client identifier separator");
    }

    static String clientIdOf(byte[] key) throws CorruptRecordException {
        return Utf8.decode(key, 0, separator(key));
    }

    static String subscriptionFilterOf(byte[] key) throws CorruptRecordException {
        int start = separator(key) + 1;
        return Utf8.decode(key, start, key.length - start);
    }

    static long deliverySequenceOf(byte[] key) throws CorruptRecordException {
        int start = separator(key) + 1;
        if (key.length - start != SEQUENCE_LENGTH + 1) {
            throw new CorruptRecordException("delivery key has " + (key.length - start) + " bytes after the client "
                    + "identifier, expected " + (SEQUENCE_LENGTH + 1));
        }
        return ByteBuffer.wrap(key, start, SEQUENCE_LENGTH).getLong() ^ Long.MIN_VALUE;
    }

    static byte deliveryPartOf(byte[] key) {
        return key[key.length - 1];
    }

    static int inboundPacketIdOf(byte[] key) throws CorruptRecordException {
        int start = separator(key) + 1;
        if (key.length - start != PACKET_ID_LENGTH) {
            throw new CorruptRecordException("inbound QoS 2 key has " + (key.length - start)
                    + " bytes after the client identifier, expected " + PACKET_ID_LENGTH);
        }
        return ByteBuffer.wrap(key, start, PACKET_ID_LENGTH).getInt() ^ Integer.MIN_VALUE;
    }

    /** Strict UTF-8 both ways: a string that would not come back unchanged is refused, never altered. */
    static final class Utf8 {
        private Utf8() {
        }

        static byte[] encode(String text, String what) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    // [MQTT-1.5.4-1]: no UTF-16 surrogates; String.getBytes would silently turn one into '?'.
                    throw new IllegalArgumentException(what + " contains an unpaired surrogate at index " + i);
                }
            }
            return text.getBytes(StandardCharsets.UTF_8);
        }

        static String decode(byte[] bytes, int offset, int length) throws CorruptRecordException {
            try {
                CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, offset, length));
                return chars.toString();
            } catch (CharacterCodingException e) {
                throw new CorruptRecordException("invalid UTF-8 (" + e + ")");
            }
        }
    }
}
