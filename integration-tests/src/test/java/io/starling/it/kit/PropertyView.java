package io.starling.it.kit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoded MQTT 5.0 property section, kept generic: identifier to the values seen, in wire order. Values are
 * Long (integers of every width), String, byte[] or String[2] (user property pairs).
 */
public final class PropertyView {
    private final Map<Integer, List<Object>> values = new LinkedHashMap<>();

    public static final PropertyView EMPTY = new PropertyView();

    private PropertyView() {
    }

    /** Reads a property section (length first) starting at {@code reader}'s position. */
    static PropertyView read(Reader reader) {
        PropertyView view = new PropertyView();
        int length = reader.varInt();
        int end = reader.position() + length;
        while (reader.position() < end) {
            int id = reader.varInt();
            Object value = switch (id) {
                case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> (long) reader.u8();
                case 0x13, 0x21, 0x22, 0x23 -> (long) reader.u16();
                case 0x02, 0x11, 0x18, 0x27 -> reader.u32();
                case 0x0B -> (long) reader.varInt();
                case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F -> reader.string();
                case 0x09, 0x16 -> reader.binary();
                case 0x26 -> new String[] {reader.string(), reader.string()};
                default -> throw new AssertionError("unknown property identifier 0x" + Integer.toHexString(id));
            };
            view.values.computeIfAbsent(id, key -> new ArrayList<>()).add(value);
        }
        if (reader.position() != end) {
            throw new AssertionError("property section overran its length");
        }
        return view;
    }

    public boolean has(int id) {
        return values.containsKey(id);
    }

    public Long number(int id) {
        List<Object> list = values.get(id);
        return list == null ? null : (Long) list.get(0);
    }

    public List<Long> numbers(int id) {
        List<Long> result = new ArrayList<>();
        for (Object value : values.getOrDefault(id, List.of())) {
            result.add((Long) value);
        }
        return result;
    }

    public String string(int id) {
        List<Object> list = values.get(id);
        return list == null ? null : (String) list.get(0);
    }

    public byte[] binary(int id) {
        List<Object> list = values.get(id);
        return list == null ? null : (byte[]) list.get(0);
    }

    /** User properties as "name=value" strings, in wire order. */
    public List<String> userProperties() {
        List<String> result = new ArrayList<>();
        for (Object value : values.getOrDefault(Props.USER_PROPERTY, List.of())) {
            String[] pair = (String[]) value;
            result.add(pair[0] + "=" + pair[1]);
        }
        return result;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("{");
        values.forEach((id, list) -> {
            for (Object value : list) {
                if (text.length() > 1) {
                    text.append(", ");
                }
                text.append("0x").append(Integer.toHexString(id)).append('=');
                if (value instanceof byte[] bytes) {
                    text.append(new String(bytes, StandardCharsets.UTF_8));
                } else if (value instanceof String[] pair) {
                    text.append(pair[0]).append(':').append(pair[1]);
                } else {
                    text.append(value);
                }
            }
        });
        return text.append('}').toString();
    }

    /** A cursor over a packet body. */
    static final class Reader {
        private final byte[] bytes;
        private int position;

        Reader(byte[] bytes, int position) {
            this.bytes = bytes;
            this.position = position;
        }

        int position() {
            return position;
        }

        boolean hasMore() {
            return position < bytes.length;
        }

        int u8() {
            if (position >= bytes.length) {
                throw new AssertionError("packet body too short");
            }
            return bytes[position++] & 0xFF;
        }

        int u16() {
            return (u8() << 8) | u8();
        }

        long u32() {
            return ((long) u16() << 16) | u16();
        }

        int varInt() {
            int value = 0;
            int multiplier = 1;
            for (int i = 0; i < 4; i++) {
                int digit = u8();
                value += (digit & 0x7F) * multiplier;
                if ((digit & 0x80) == 0) {
                    return value;
                }
                multiplier *= 128;
            }
            throw new AssertionError("variable byte integer longer than 4 bytes");
        }

        byte[] binary() {
            int length = u16();
            return take(length);
        }

        String string() {
            return new String(binary(), StandardCharsets.UTF_8);
        }

        byte[] rest() {
            return take(bytes.length - position);
        }

        private byte[] take(int length) {
            if (position + length > bytes.length) {
                throw new AssertionError("packet body too short");
            }
            byte[] result = new byte[length];
            System.arraycopy(bytes, position, result, 0, length);
            position += length;
            return result;
        }
    }
}
