package io.starling.it.kit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * MQTT data representations ([MQTT-1.5]) for building packets byte by byte. Written independently of Starling's
 * codec on purpose: the tests must not trust the code they test.
 */
public final class Wire {
    private Wire() {
    }

    /** A growable byte buffer with the MQTT primitive writers. */
    public static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        public Out u8(int value) {
            bytes.write(value & 0xFF);
            return this;
        }

        public Out u16(int value) {
            bytes.write((value >>> 8) & 0xFF);
            bytes.write(value & 0xFF);
            return this;
        }

        public Out u32(long value) {
            u16((int) ((value >>> 16) & 0xFFFF));
            return u16((int) (value & 0xFFFF));
        }

        /** Variable Byte Integer ([MQTT-1.5.5]), minimal encoding. */
        public Out varInt(int value) {
            int remaining = value;
            do {
                int digit = remaining % 128;
                remaining /= 128;
                if (remaining > 0) {
                    digit |= 0x80;
                }
                bytes.write(digit);
            } while (remaining > 0);
            return this;
        }

        /** UTF-8 Encoded String: two-byte length, then the bytes. */
        public Out string(String value) {
            return binary(value.getBytes(StandardCharsets.UTF_8));
        }

        /** Binary Data: two-byte length, then the bytes (also used for deliberately invalid "strings"). */
        public Out binary(byte[] value) {
            u16(value.length);
            return raw(value);
        }

        public Out raw(byte[] value) {
            bytes.write(value, 0, value.length);
            return this;
        }

        public int size() {
            return bytes.size();
        }

        public byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }

    public static Out out() {
        return new Out();
    }

    /** A whole packet: the first byte of the fixed header, the remaining length, then the body. */
    public static byte[] packet(int firstByte, byte[] body) {
        return out().u8(firstByte).varInt(body.length).raw(body).toByteArray();
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] concat(byte[]... parts) {
        Out out = out();
        for (byte[] part : parts) {
            out.raw(part);
        }
        return out.toByteArray();
    }
}
