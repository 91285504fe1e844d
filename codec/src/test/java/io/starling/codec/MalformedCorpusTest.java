package io.starling.codec;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static io.starling.codec.MqttVersion.MQTT_3_1;
import static io.starling.codec.MqttVersion.MQTT_3_1_1;
import static io.starling.codec.MqttVersion.MQTT_5;
import static io.starling.codec.PacketType.*;
import static io.starling.codec.ReasonCode.MALFORMED_PACKET;
import static io.starling.codec.ReasonCode.PACKET_TOO_LARGE;
import static io.starling.codec.ReasonCode.PROTOCOL_ERROR;
import static io.starling.codec.ReasonCode.TOPIC_NAME_INVALID;
import static io.starling.codec.ReasonCode.TOPIC_ALIAS_INVALID;
import static io.starling.codec.ReasonCode.UNSUPPORTED_PROTOCOL_VERSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Hand-written packets that break a rule, each with the rule and the reason code the decoder must report.
 * Version null stands for a server decoder before CONNECT. Every case also checks that a failed decode leaves
 * the reader index and the reference count of the input untouched (no payload slice escapes).
 */
class MalformedCorpusTest {

    record Case(String rule, MqttVersion version, String hex, ReasonCode expected, PacketType type) {
        @Override
        public String toString() {
            return rule;
        }
    }

    private static final int MAX = 10_000;

    // A valid 3.1.1 CONNECT is: 10 0D | 0004 "MQTT" | 04 | flags 02 | keep alive 003C | client id 0001 "c"
    private static final String MQTT = "0004 4D515454";

    static List<Case> corpus() {
        return List.of(
                // ---------------------------------------------------------------- fixed header
                new Case("packet type 0 is reserved [MQTT-2.1.2]", MQTT_3_1_1, "00 00", MALFORMED_PACKET, null),
                new Case("remaining length of 5 bytes [MQTT-1.5.5]", MQTT_3_1_1, "30 FF FF FF FF 01", MALFORMED_PACKET, PUBLISH),
                new Case("remaining length: 4 continuation bytes suffice to fail [MQTT-1.5.5]", MQTT_3_1_1, "30 80 80 80 80", MALFORMED_PACKET, PUBLISH),
                new Case("remaining length not minimal [MQTT-1.5.5-1]", MQTT_3_1_1, "C0 80 00", MALFORMED_PACKET, PINGREQ),
                new Case("PINGREQ reserved flags [MQTT-2.1.3-1]", MQTT_3_1_1, "C1 00", MALFORMED_PACKET, PINGREQ),
                new Case("CONNACK reserved flags [MQTT-2.1.3-1]", MQTT_5, "21 02 00 00", MALFORMED_PACKET, CONNACK),
                new Case("SUBSCRIBE flags must be 0010 [MQTT-2.1.3-1]", MQTT_3_1_1, "80 06 0001 0001 61 00", MALFORMED_PACKET, SUBSCRIBE),
                new Case("PUBREL flags must be 0010 [MQTT-2.1.3-1]", MQTT_5, "60 02 0001", MALFORMED_PACKET, PUBREL),
                new Case("UNSUBSCRIBE flags must be 0010 [MQTT-2.1.3-1]", MQTT_3_1_1, "A3 05 0001 0001 61", MALFORMED_PACKET, UNSUBSCRIBE),
                new Case("SUBSCRIBE with DUP is MQTT 3.1 only [MQTT-2.1.3-1]", MQTT_3_1_1, "8A 06 0001 0001 61 00", MALFORMED_PACKET, SUBSCRIBE),
                new Case("PUBLISH QoS 3 [MQTT-3.3.1-4]", MQTT_3_1_1, "36 05 0001 61 0001", MALFORMED_PACKET, PUBLISH),
                new Case("PUBLISH DUP with QoS 0 [MQTT-3.3.1-2]", MQTT_5, "38 04 0001 61 00", PROTOCOL_ERROR, PUBLISH),
                new Case("AUTH does not exist before 5.0", MQTT_3_1_1, "F0 00", MALFORMED_PACKET, AUTH),
                new Case("first packet must be CONNECT [MQTT-3.1.0-1]", null, "30 03 0001 61", PROTOCOL_ERROR, PUBLISH),
                new Case("oversize packet detected from its header alone, no body", MQTT_5, "30 FF FF 7F", PACKET_TOO_LARGE, PUBLISH),
                new Case("oversize CONNECT detected before CONNECT is read", null, "10 90 4E", PACKET_TOO_LARGE, CONNECT),

                // ---------------------------------------------------------------- CONNECT
                new Case("unknown protocol name [MQTT-3.1.2-1]", null, "10 0D 0004 4D515458 04 02 003C 0001 63", UNSUPPORTED_PROTOCOL_VERSION, CONNECT),
                new Case("unsupported protocol level [MQTT-3.1.2-2]", null, "10 0D " + MQTT + " 06 02 003C 0001 63", UNSUPPORTED_PROTOCOL_VERSION, CONNECT),
                new Case("MQIsdp with level 4 [MQTT-3.1.2-2]", null, "10 0F 0006 4D5149736470 04 02 003C 0001 63", UNSUPPORTED_PROTOCOL_VERSION, CONNECT),
                new Case("CONNECT reserved flag [MQTT-3.1.2-3]", null, "10 0D " + MQTT + " 04 03 003C 0001 63", MALFORMED_PACKET, CONNECT),
                new Case("Will QoS without Will Flag [MQTT-3.1.2-11]", null, "10 0D " + MQTT + " 04 0A 003C 0001 63", MALFORMED_PACKET, CONNECT),
                new Case("Will Retain without Will Flag [MQTT-3.1.2-13]", null, "10 0D " + MQTT + " 04 22 003C 0001 63", MALFORMED_PACKET, CONNECT),
                new Case("Will QoS 3 [MQTT-3.1.2-14]", null, "10 12 " + MQTT + " 04 1E 003C 0001 63 0001 74 0000", MALFORMED_PACKET, CONNECT),
                new Case("password without user name in 3.1.1 [MQTT-3.1.2-22]", null, "10 10 " + MQTT + " 04 42 003C 0001 63 0001 70", MALFORMED_PACKET, CONNECT),
                new Case("remaining length longer than CONNECT", null, "10 0E " + MQTT + " 04 02 003C 0001 63 FF", MALFORMED_PACKET, CONNECT),
                new Case("remaining length shorter than CONNECT", null, "10 0C " + MQTT + " 04 02 003C 0001 63", MALFORMED_PACKET, CONNECT),
                new Case("Will Topic with wildcard [MQTT-4.7.0-1]", null, "10 14 " + MQTT + " 04 06 003C 0001 63 0003 612F23 0000", TOPIC_NAME_INVALID, CONNECT),
                new Case("empty Will Topic [MQTT-4.7.3-1]", null, "10 11 " + MQTT + " 04 06 003C 0001 63 0000 0000", TOPIC_NAME_INVALID, CONNECT),
                new Case("client id not UTF-8 [MQTT-1.5.4-1]", null, "10 0D " + MQTT + " 04 02 003C 0001 FF", MALFORMED_PACKET, CONNECT),
                new Case("client id with U+0000 [MQTT-1.5.4-2]", null, "10 0D " + MQTT + " 04 02 003C 0001 00", MALFORMED_PACKET, CONNECT),
                new Case("client id with surrogate U+D800 [MQTT-1.5.4-1]", null, "10 0F " + MQTT + " 04 02 003C 0003 EDA080", MALFORMED_PACKET, CONNECT),
                new Case("client id with overlong '/' [MQTT-1.5.4-1]", null, "10 0E " + MQTT + " 04 02 003C 0002 C0AF", MALFORMED_PACKET, CONNECT),
                new Case("client id with truncated sequence [MQTT-1.5.4-1]", null, "10 0E " + MQTT + " 04 02 003C 0002 61E2", MALFORMED_PACKET, CONNECT),
                new Case("client id with code point over U+10FFFF [MQTT-1.5.4-1]", null, "10 10 " + MQTT + " 04 02 003C 0004 F4908080", MALFORMED_PACKET, CONNECT),
                new Case("5.0 CONNECT with Topic Alias property [MQTT-2.2.2.2]", null, "10 11 " + MQTT + " 05 02 003C 03 230001 0001 63", PROTOCOL_ERROR, CONNECT),
                new Case("5.0 CONNECT with Session Expiry twice [MQTT-2.2.2.2]", null, "10 18 " + MQTT + " 05 02 003C 0A 1100000001 1100000002 0001 63", PROTOCOL_ERROR, CONNECT),
                new Case("5.0 unknown property 0x7F", null, "10 10 " + MQTT + " 05 02 003C 02 7F00 0001 63", MALFORMED_PACKET, CONNECT),
                new Case("5.0 Receive Maximum 0 [MQTT-3.1.2.11.3]", null, "10 11 " + MQTT + " 05 02 003C 03 210000 0001 63", PROTOCOL_ERROR, CONNECT),
                new Case("5.0 Maximum Packet Size 0 [MQTT-3.1.2.11.4]", null, "10 13 " + MQTT + " 05 02 003C 05 2700000000 0001 63", PROTOCOL_ERROR, CONNECT),
                new Case("5.0 Request Problem Information 2", null, "10 10 " + MQTT + " 05 02 003C 02 1702 0001 63", PROTOCOL_ERROR, CONNECT),
                new Case("5.0 Request Response Information 2", null, "10 10 " + MQTT + " 05 02 003C 02 1902 0001 63", PROTOCOL_ERROR, CONNECT),
                new Case("5.0 Authentication Data without Method", null, "10 12 " + MQTT + " 05 02 003C 04 160001AA 0001 63", PROTOCOL_ERROR, CONNECT),
                new Case("5.0 property length beyond the packet", null, "10 0E " + MQTT + " 05 02 003C 20 0001 63", MALFORMED_PACKET, CONNECT),
                new Case("5.0 property value runs past the property length", null, "10 10 " + MQTT + " 05 02 003C 02 2100 0001 63", MALFORMED_PACKET, CONNECT),
                new Case("5.0 Session Expiry in Will Properties [MQTT-3.1.3.2]", null, "10 19 " + MQTT + " 05 06 003C 00 0001 63 05 1100000001 0001 74 0000", PROTOCOL_ERROR, CONNECT),

                // ---------------------------------------------------------------- CONNACK
                new Case("3.1.1 CONNACK reserved return code 6", MQTT_3_1_1, "20 02 00 06", MALFORMED_PACKET, CONNACK),
                new Case("CONNACK acknowledge flags reserved bit [MQTT-3.2.2-1]", MQTT_3_1_1, "20 02 02 00", MALFORMED_PACKET, CONNACK),
                new Case("CONNACK refusal with Session Present [MQTT-3.2.2-4]", MQTT_3_1_1, "20 02 01 05", PROTOCOL_ERROR, CONNACK),
                new Case("3.1.1 CONNACK with an extra byte", MQTT_3_1, "20 03 00 00 00", MALFORMED_PACKET, CONNACK),
                new Case("5.0 CONNACK reason code 0x10 is not a CONNACK code", MQTT_5, "20 03 00 10 00", MALFORMED_PACKET, CONNACK),
                new Case("5.0 CONNACK Maximum QoS 2", MQTT_5, "20 05 00 00 02 2402", PROTOCOL_ERROR, CONNACK),
                new Case("5.0 CONNACK Retain Available 5", MQTT_5, "20 05 00 00 02 2505", PROTOCOL_ERROR, CONNACK),
                new Case("5.0 CONNACK with Topic Alias [MQTT-2.2.2.2]", MQTT_5, "20 06 00 00 03 230001", PROTOCOL_ERROR, CONNACK),
                new Case("5.0 CONNACK without properties", MQTT_5, "20 02 00 00", MALFORMED_PACKET, CONNACK),

                // ---------------------------------------------------------------- PUBLISH
                new Case("PUBLISH topic with '+' [MQTT-3.3.2-2]", MQTT_3_1_1, "30 05 0003 612B62", TOPIC_NAME_INVALID, PUBLISH),
                new Case("PUBLISH topic with '#' [MQTT-3.3.2-2]", MQTT_5, "30 04 0001 23 00", TOPIC_NAME_INVALID, PUBLISH),
                new Case("3.1.1 PUBLISH empty topic [MQTT-4.7.3-1]", MQTT_3_1_1, "30 02 0000", TOPIC_NAME_INVALID, PUBLISH),
                new Case("5.0 PUBLISH empty topic without Topic Alias (section 3.3.2.1)", MQTT_5, "30 03 0000 00", PROTOCOL_ERROR, PUBLISH),
                new Case("PUBLISH QoS 1 packet identifier 0 [MQTT-2.2.1-3]", MQTT_3_1_1, "32 05 0001 61 0000", PROTOCOL_ERROR, PUBLISH),
                new Case("PUBLISH QoS 2 truncated before its packet identifier", MQTT_3_1_1, "34 03 0001 61", MALFORMED_PACKET, PUBLISH),
                new Case("PUBLISH topic length beyond the remaining length", MQTT_3_1_1, "30 04 0005 6162", MALFORMED_PACKET, PUBLISH),
                new Case("PUBLISH topic with surrogate [MQTT-1.5.4-1]", MQTT_3_1_1, "30 05 0003 EDBFBF", MALFORMED_PACKET, PUBLISH),
                new Case("5.0 Topic Alias 0 [MQTT-3.3.2-8]", MQTT_5, "30 07 0001 61 03 230000", TOPIC_ALIAS_INVALID, PUBLISH),
                new Case("5.0 Subscription Identifier 0", MQTT_5, "30 06 0001 61 02 0B00", PROTOCOL_ERROR, PUBLISH),
                new Case("5.0 Subscription Identifier of 5 bytes [MQTT-1.5.5]", MQTT_5, "30 0A 0001 61 06 0BFFFFFFFF01", MALFORMED_PACKET, PUBLISH),
                new Case("5.0 Payload Format Indicator 2", MQTT_5, "30 06 0001 61 02 0102", PROTOCOL_ERROR, PUBLISH),
                new Case("5.0 Response Topic with wildcard [MQTT-3.3.2-14]", MQTT_5, "30 08 0001 61 04 08000123", PROTOCOL_ERROR, PUBLISH),
                new Case("5.0 PUBLISH with Session Expiry [MQTT-2.2.2.2]", MQTT_5, "30 09 0001 61 05 1100000001", PROTOCOL_ERROR, PUBLISH),
                new Case("5.0 PUBLISH with Content Type twice [MQTT-2.2.2.2]", MQTT_5, "30 0A 0001 61 06 030000 030000", PROTOCOL_ERROR, PUBLISH),
                new Case("5.0 User Property name not UTF-8 [MQTT-1.5.4-1]", MQTT_5, "30 0A 0001 61 06 260001FF0000", MALFORMED_PACKET, PUBLISH),
                new Case("5.0 PUBLISH property length beyond the packet", MQTT_5, "30 04 0001 61 05", MALFORMED_PACKET, PUBLISH),

                // ---------------------------------------------------------------- PUBACK, PUBREC, PUBREL, PUBCOMP
                new Case("PUBACK packet identifier 0 [MQTT-2.2.1-3]", MQTT_3_1_1, "40 02 0000", PROTOCOL_ERROR, PUBACK),
                new Case("3.1.1 PUBACK with an extra byte", MQTT_3_1_1, "40 03 0001 00", MALFORMED_PACKET, PUBACK),
                new Case("PUBACK shorter than a packet identifier", MQTT_3_1_1, "40 01 00", MALFORMED_PACKET, PUBACK),
                new Case("5.0 PUBACK reason code 0x92 belongs to PUBREL/PUBCOMP", MQTT_5, "40 03 0001 92", MALFORMED_PACKET, PUBACK),
                new Case("5.0 PUBREL reason code 0x10 belongs to PUBACK/PUBREC", MQTT_5, "62 03 0001 10", MALFORMED_PACKET, PUBREL),
                new Case("5.0 PUBCOMP with Content Type [MQTT-2.2.2.2]", MQTT_5, "70 07 0001 00 03 030000", PROTOCOL_ERROR, PUBCOMP),
                new Case("5.0 PUBREC with bytes after its properties", MQTT_5, "50 05 0001 00 00 FF", MALFORMED_PACKET, PUBREC),
                new Case("3.1 PUBREL packet identifier 0 [MQTT-2.2.1-3]", MQTT_3_1, "62 02 0000", PROTOCOL_ERROR, PUBREL),

                // ---------------------------------------------------------------- SUBSCRIBE, SUBACK
                new Case("SUBSCRIBE without entries [MQTT-3.8.3-3]", MQTT_3_1_1, "82 02 0001", PROTOCOL_ERROR, SUBSCRIBE),
                new Case("5.0 SUBSCRIBE without entries [MQTT-3.8.3-3]", MQTT_5, "82 03 0001 00", PROTOCOL_ERROR, SUBSCRIBE),
                new Case("3.1.1 requested QoS reserved bits [MQTT-3-8.3-4]", MQTT_3_1_1, "82 06 0001 0001 61 04", MALFORMED_PACKET, SUBSCRIBE),
                new Case("3.1.1 requested QoS 3 [MQTT-3-8.3-4]", MQTT_3_1_1, "82 06 0001 0001 61 03", MALFORMED_PACKET, SUBSCRIBE),
                new Case("5.0 subscription options bits 6-7 [MQTT-3.8.3-5]", MQTT_5, "82 07 0001 00 0001 61 40", MALFORMED_PACKET, SUBSCRIBE),
                new Case("5.0 subscription options QoS 3", MQTT_5, "82 07 0001 00 0001 61 03", MALFORMED_PACKET, SUBSCRIBE),
                new Case("5.0 retain handling 3", MQTT_5, "82 07 0001 00 0001 61 30", PROTOCOL_ERROR, SUBSCRIBE),
                new Case("5.0 No Local on a shared subscription [MQTT-3.8.3-4]", MQTT_5, "82 10 0001 00 000A 2473686172652F672F74 04", PROTOCOL_ERROR, SUBSCRIBE),
                new Case("5.0 SUBSCRIBE with two Subscription Identifiers", MQTT_5, "82 0B 0001 04 0B01 0B02 0001 61 00", PROTOCOL_ERROR, SUBSCRIBE),
                new Case("SUBSCRIBE packet identifier 0 [MQTT-2.2.1-3]", MQTT_3_1_1, "82 06 0000 0001 61 00", PROTOCOL_ERROR, SUBSCRIBE),
                new Case("SUBSCRIBE entry without its options byte", MQTT_3_1_1, "82 05 0001 0001 61", MALFORMED_PACKET, SUBSCRIBE),
                new Case("SUBSCRIBE filter with U+0000 [MQTT-1.5.4-2]", MQTT_5, "82 07 0001 00 0001 00 00", MALFORMED_PACKET, SUBSCRIBE),
                new Case("3.1.1 SUBACK return code 3", MQTT_3_1_1, "90 03 0001 03", MALFORMED_PACKET, SUBACK),
                new Case("5.0 SUBACK reason code 0x10", MQTT_5, "90 04 0001 00 10", MALFORMED_PACKET, SUBACK),
                new Case("SUBACK without return codes", MQTT_3_1_1, "90 02 0001", PROTOCOL_ERROR, SUBACK),

                // ---------------------------------------------------------------- UNSUBSCRIBE, UNSUBACK
                new Case("UNSUBSCRIBE without entries [MQTT-3.10.3-2]", MQTT_3_1_1, "A2 02 0001", PROTOCOL_ERROR, UNSUBSCRIBE),
                new Case("5.0 UNSUBSCRIBE without entries [MQTT-3.10.3-2]", MQTT_5, "A2 03 0001 00", PROTOCOL_ERROR, UNSUBSCRIBE),
                new Case("UNSUBSCRIBE filter with U+0000 [MQTT-1.5.4-2]", MQTT_3_1_1, "A2 05 0001 0001 00", MALFORMED_PACKET, UNSUBSCRIBE),
                new Case("5.0 UNSUBSCRIBE with Reason String [MQTT-2.2.2.2]", MQTT_5, "A2 0A 0001 04 1F000172 0001 61", PROTOCOL_ERROR, UNSUBSCRIBE),
                new Case("3.1.1 UNSUBACK with a payload", MQTT_3_1_1, "B0 03 0001 00", MALFORMED_PACKET, UNSUBACK),
                new Case("5.0 UNSUBACK reason code 0x01", MQTT_5, "B0 04 0001 00 01", MALFORMED_PACKET, UNSUBACK),
                new Case("5.0 UNSUBACK without reason codes", MQTT_5, "B0 03 0001 00", PROTOCOL_ERROR, UNSUBACK),

                // ---------------------------------------------------------------- PINGREQ, DISCONNECT, AUTH
                new Case("PINGREQ with a body", MQTT_3_1_1, "C0 01 00", MALFORMED_PACKET, PINGREQ),
                new Case("PINGRESP with a body", MQTT_5, "D0 01 00", MALFORMED_PACKET, PINGRESP),
                new Case("3.1.1 DISCONNECT with a body", MQTT_3_1_1, "E0 01 00", MALFORMED_PACKET, DISCONNECT),
                new Case("5.0 DISCONNECT reason code 0x18 belongs to AUTH", MQTT_5, "E0 01 18", MALFORMED_PACKET, DISCONNECT),
                new Case("5.0 DISCONNECT with Topic Alias [MQTT-2.2.2.2]", MQTT_5, "E0 05 00 03 230001", PROTOCOL_ERROR, DISCONNECT),
                new Case("5.0 DISCONNECT property length beyond the packet", MQTT_5, "E0 03 00 05 11", MALFORMED_PACKET, DISCONNECT),
                new Case("5.0 AUTH reason code 0x01", MQTT_5, "F0 01 01", MALFORMED_PACKET, AUTH),
                new Case("5.0 AUTH reserved flags [MQTT-3.15.1-1]", MQTT_5, "F1 00", MALFORMED_PACKET, AUTH),
                new Case("5.0 AUTH without Authentication Method", MQTT_5, "F0 06 18 04 1F000172", PROTOCOL_ERROR, AUTH),
                new Case("5.0 AUTH with Session Expiry [MQTT-2.2.2.2]", MQTT_5, "F0 07 18 05 1100000001", PROTOCOL_ERROR, AUTH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void malformedPacketIsRejectedWithTheSpecReasonCode(Case testCase) {
        MqttPacketDecoder decoder = new MqttPacketDecoder(MAX, testCase.version());
        ByteBuf input = TestPackets.bytes(testCase.hex());
        try {
            MqttDecodeException failure = catchThrowableOfType(MqttDecodeException.class, () -> decoder.decode(input));
            assertThat(failure).as("decoding %s must fail", testCase.hex()).isNotNull();
            assertThat(failure.reasonCode()).as(failure.getMessage()).isEqualTo(testCase.expected());
            assertThat(failure.packetType()).isEqualTo(testCase.type());
            assertThat(failure.getMessage()).isNotBlank();
            assertThat(input.readerIndex()).isZero();
            assertThat(input.refCnt()).as("no slice of the input escapes a failed decode").isEqualTo(1);
            assertThat(decoder.version()).isEqualTo(testCase.version());
        } finally {
            input.release();
        }
    }
}
