package io.starling.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.starling.codec.packet.Auth;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.Disconnect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PingReq;
import io.starling.codec.packet.PubAck;
import io.starling.codec.packet.PubComp;
import io.starling.codec.packet.PubRec;
import io.starling.codec.packet.PubRel;
import io.starling.codec.packet.Publish;
import io.starling.codec.packet.SubAck;
import io.starling.codec.packet.Subscribe;
import io.starling.codec.packet.SubscriptionOptions;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.packet.UnsubAck;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Decoder behaviour beyond round trips: short forms, version learning, limits, incomplete input. */
class DecoderBehaviourTest {

    private static MqttPacket decode(MqttVersion version, String hex) {
        ByteBuf input = TestPackets.bytes(hex);
        try {
            MqttPacket packet = new MqttPacketDecoder(10_000, version).decode(input);
            assertThat(input.isReadable()).as("whole packet consumed").isFalse();
            return packet;
        } finally {
            input.release();
        }
    }

    private static MqttDecodeException failure(MqttPacketDecoder decoder, String hex) {
        ByteBuf input = TestPackets.bytes(hex);
        try {
            return catchThrowableOfType(MqttDecodeException.class, () -> decoder.decode(input));
        } finally {
            input.release();
        }
    }

    @Test
    void v5AcknowledgementsWithoutReasonCodeOrPropertiesMeanSuccess_MQTT_3_4_2_1() {
        assertThat(decode(MqttVersion.MQTT_5, "40 02 0007")).isEqualTo(new PubAck(7));
        assertThat(decode(MqttVersion.MQTT_5, "50 02 0007")).isEqualTo(new PubRec(7));
        assertThat(decode(MqttVersion.MQTT_5, "62 02 0007")).isEqualTo(new PubRel(7));
        assertThat(decode(MqttVersion.MQTT_5, "70 02 0007")).isEqualTo(new PubComp(7));
    }

    @Test
    void v5AcknowledgementsWithReasonCodeButNoProperties() {
        assertThat(decode(MqttVersion.MQTT_5, "40 03 0007 10"))
                .isEqualTo(new PubAck(7, ReasonCode.NO_MATCHING_SUBSCRIBERS, MqttProperties.EMPTY));
        assertThat(decode(MqttVersion.MQTT_5, "70 03 0007 92"))
                .isEqualTo(new PubComp(7, ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, MqttProperties.EMPTY));
        // reason code followed by an empty property section: same meaning, longer form
        assertThat(decode(MqttVersion.MQTT_5, "50 04 0007 00 00")).isEqualTo(new PubRec(7));
    }

    @Test
    void v5DisconnectShortForms_MQTT_3_14_2_1() {
        assertThat(decode(MqttVersion.MQTT_5, "E0 00")).isEqualTo(Disconnect.NORMAL);
        assertThat(decode(MqttVersion.MQTT_5, "E0 01 04"))
                .isEqualTo(new Disconnect(ReasonCode.DISCONNECT_WITH_WILL_MESSAGE, MqttProperties.EMPTY));
    }

    @Test
    void v5AuthShortForms_MQTT_3_15_2_1() {
        assertThat(decode(MqttVersion.MQTT_5, "F0 00")).isEqualTo(new Auth(ReasonCode.SUCCESS, MqttProperties.EMPTY));
        assertThat(decode(MqttVersion.MQTT_5, "F0 01 18"))
                .isEqualTo(new Auth(ReasonCode.CONTINUE_AUTHENTICATION, MqttProperties.EMPTY));
    }

    @Test
    void v3SubAckFailureDecodesAsUnspecifiedError() {
        assertThat(decode(MqttVersion.MQTT_3_1_1, "90 04 0009 00 80"))
                .isEqualTo(new SubAck(9, List.of(ReasonCode.GRANTED_QOS_0, ReasonCode.UNSPECIFIED_ERROR),
                        MqttProperties.EMPTY));
    }

    @Test
    void v3UnsubAckCarriesOnlyThePacketIdentifier() {
        assertThat(decode(MqttVersion.MQTT_3_1_1, "B0 02 0009"))
                .isEqualTo(new UnsubAck(9, List.of(), MqttProperties.EMPTY));
    }

    @Test
    void v3ConnAckReturnCodesMapToReasonCodes_MQTT_3_2_2_3() {
        assertThat(decode(MqttVersion.MQTT_3_1_1, "20 02 01 00"))
                .isEqualTo(new ConnAck(true, ReasonCode.SUCCESS, MqttProperties.EMPTY));
        assertThat(decode(MqttVersion.MQTT_3_1_1, "20 02 00 04"))
                .isEqualTo(new ConnAck(false, ReasonCode.BAD_USER_NAME_OR_PASSWORD, MqttProperties.EMPTY));
    }

    @Test
    void invalidTopicFiltersStillDecodeTheBrokerAnswersThemInSubAck() {
        // "a/#/b" breaks [MQTT-4.7.1-1]; the server answers 0x8F / 0x80 for that entry, it does not disconnect.
        Subscribe subscribe = (Subscribe) decode(MqttVersion.MQTT_3_1_1, "82 0A 0001 0005 612F232F62 01");
        assertThat(subscribe.subscriptions())
                .containsExactly(new TopicSubscription("a/#/b", SubscriptionOptions.of(QoS.AT_LEAST_ONCE)));
    }

    @Test
    void mqtt31AllowsDupOnSubscribe() {
        assertThat(decode(MqttVersion.MQTT_3_1, "8A 06 0001 0001 61 00")).isInstanceOf(Subscribe.class);
    }

    @Test
    void bomIsKeptNotStripped_MQTT_1_5_4_3() {
        Publish publish = (Publish) decode(MqttVersion.MQTT_3_1_1, "30 06 0004 EFBBBF61 ");
        assertThat(publish.topic()).isEqualTo("\uFEFFa");
        publish.release();
    }

    @Test
    void serverLearnsTheVersionFromConnect_MQTT_3_1_2_2() {
        MqttPacketDecoder decoder = new MqttPacketDecoder(10_000, null);
        ByteBuf input = TestPackets.bytes("10 0F 0006 4D5149736470 03 02 003C 0001 63" + "C0 00");
        try {
            Connect connect = (Connect) decoder.decode(input);
            assertThat(connect.version()).isEqualTo(MqttVersion.MQTT_3_1);
            assertThat(decoder.version()).isEqualTo(MqttVersion.MQTT_3_1);
            assertThat(decoder.decode(input)).isEqualTo(PingReq.INSTANCE);
        } finally {
            input.release();
        }
    }

    @Test
    void unsupportedVersionLeavesTheVersionUnknown_MQTT_3_1_2_2() {
        MqttPacketDecoder decoder = new MqttPacketDecoder(10_000, null);
        MqttDecodeException failure = failure(decoder, "10 0D 0004 4D515454 07 02 003C 0001 63");
        assertThat(failure.reasonCode()).isEqualTo(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION);
        assertThat(decoder.version()).isNull();
    }

    @Test
    void secondConnectDecodesWithoutChangingTheVersion() {
        MqttPacketDecoder decoder = new MqttPacketDecoder(10_000, MqttVersion.MQTT_5);
        ByteBuf input = TestPackets.bytes("10 0D 0004 4D515454 04 02 003C 0001 63");
        try {
            assertThat(((Connect) decoder.decode(input)).version()).isEqualTo(MqttVersion.MQTT_3_1_1);
            assertThat(decoder.version()).isEqualTo(MqttVersion.MQTT_5);
        } finally {
            input.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "30", "30 80", "30 80 80", "30 80 80 80", "30 05", "30 05 0001 61 AA"})
    void incompleteInputReturnsNullAndLeavesTheReaderIndex(String hex) {
        ByteBuf input = TestPackets.bytes(hex);
        input.readerIndex(0);
        try {
            assertThat(new MqttPacketDecoder(MqttPacketDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE, MqttVersion.MQTT_3_1_1)
                    .decode(input)).isNull();
            assertThat(input.readerIndex()).isZero();
        } finally {
            input.release();
        }
    }

    @Test
    void decodingStartsAtTheReaderIndex() {
        ByteBuf input = TestPackets.bytes("FF FF C0 00");
        try {
            input.readerIndex(2);
            assertThat(new MqttPacketDecoder(10, MqttVersion.MQTT_5).decode(input)).isEqualTo(PingReq.INSTANCE);
            assertThat(input.readerIndex()).isEqualTo(4);
        } finally {
            input.release();
        }
    }

    @Test
    void packetOfExactlyTheMaximumSizeIsAcceptedOneMoreByteIsNot() {
        // PUBLISH "a" QoS 0 with 5 payload bytes: 2 header + 3 topic + 5 = 10 bytes
        String packet = "30 08 0001 61 0102030405";
        ByteBuf input = TestPackets.bytes(packet);
        try {
            Publish publish = (Publish) new MqttPacketDecoder(10, MqttVersion.MQTT_3_1_1).decode(input);
            publish.release();
        } finally {
            input.release();
        }
        MqttDecodeException failure = failure(new MqttPacketDecoder(9, MqttVersion.MQTT_3_1_1), packet);
        assertThat(failure.reasonCode()).isEqualTo(ReasonCode.PACKET_TOO_LARGE);
        assertThat(failure.packetType()).isEqualTo(PacketType.PUBLISH);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152})
    void remainingLengthBoundariesOfTheVariableByteInteger_MQTT_1_5_5(int remainingLength) {
        // QoS 0 PUBLISH to "t": 3 bytes of topic, the rest payload
        int payloadSize = Math.max(0, remainingLength - 3);
        Publish publish = new Publish("t", QoS.AT_MOST_ONCE, false, false, 0, MqttProperties.EMPTY,
                Unpooled.buffer(payloadSize).writeZero(payloadSize));
        ByteBuf encoded = MqttPacketEncoder.encode(ByteBufAllocator.DEFAULT, publish, MqttVersion.MQTT_3_1_1);
        try {
            int expectedLengthBytes = remainingLength < 128 ? 1 : remainingLength < 16_384 ? 2
                    : remainingLength < 2_097_152 ? 3 : 4;
            assertThat(encoded.readableBytes()).isEqualTo(1 + expectedLengthBytes + Math.max(3, remainingLength));
            Publish decoded = (Publish) new MqttPacketDecoder(MqttPacketDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE,
                    MqttVersion.MQTT_3_1_1).decode(encoded);
            assertThat(decoded.payload().readableBytes()).isEqualTo(payloadSize);
            decoded.release();
        } finally {
            encoded.release();
            publish.release();
        }
    }
}
