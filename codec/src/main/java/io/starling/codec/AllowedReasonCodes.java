package io.starling.codec;

import static io.starling.codec.PacketType.AUTH;
import static io.starling.codec.PacketType.CONNACK;
import static io.starling.codec.PacketType.DISCONNECT;
import static io.starling.codec.PacketType.PUBACK;
import static io.starling.codec.PacketType.PUBCOMP;
import static io.starling.codec.PacketType.PUBREC;
import static io.starling.codec.PacketType.PUBREL;
import static io.starling.codec.PacketType.SUBACK;
import static io.starling.codec.PacketType.UNSUBACK;

/**
 * The MQTT 5.0 reason codes each packet type may carry (the tables of sections 3.2.2.2, 3.4.2.1, 3.5.2.1,
 * 3.6.2.1, 3.7.2.1, 3.9.3, 3.11.3, 3.14.2.1 and 3.15.2.1). A value outside its packet's table is a Malformed
 * Packet for the decoder and an {@link IllegalArgumentException} for the encoder.
 */
public final class AllowedReasonCodes {
    private static final boolean[][] ALLOWED = new boolean[16][256];

    static {
        allow(CONNACK, 0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95,
                0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F);
        allow(PUBACK, 0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99);
        allow(PUBREC, 0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99);
        allow(PUBREL, 0x00, 0x92);
        allow(PUBCOMP, 0x00, 0x92);
        allow(SUBACK, 0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2);
        allow(UNSUBACK, 0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91);
        allow(DISCONNECT, 0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94,
                0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2);
        allow(AUTH, 0x00, 0x18, 0x19);
    }

    private AllowedReasonCodes() {
    }

    private static void allow(PacketType type, int... values) {
        for (int value : values) {
            ALLOWED[type.value()][value] = true;
        }
    }

    /** Whether an MQTT 5.0 packet of this type may carry this reason code. */
    public static boolean isAllowed(PacketType type, ReasonCode code) {
        return code != null && ALLOWED[type.value()][code.value()];
    }

    /** The reason code for a wire value if this packet type may carry it, else null. */
    static ReasonCode lookup(PacketType type, int value) {
        return ALLOWED[type.value()][value] ? ReasonCode.of(value) : null;
    }
}
