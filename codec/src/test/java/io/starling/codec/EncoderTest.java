package io.starling.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.starling.codec.packet.Auth;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.Disconnect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PubAck;
import io.starling.codec.packet.PubRel;
import io.starling.codec.packet.Publish;
import io.starling.codec.packet.RetainHandling;
import io.starling.codec.packet.SubAck;
import io.starling.codec.packet.Subscribe;
import io.starling.codec.packet.SubscriptionOptions;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.packet.UnsubAck;
import io.starling.codec.packet.Will;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Exact bytes for known packets, version mappings and the encoder's refusals. */
class EncoderTest {

    private static String hex(MqttPacket packet, MqttVersion version) {
        ByteBuf encoded = MqttPacketEncoder.encode(ByteBufAllocator.DEFAULT, packet, version);
        try {
            assertThat(encoded.readableBytes()).isEqualTo(MqttPacketEncoder.encodedSize(packet, version));
            return ByteBufUtil.hexDump(encoded).toUpperCase();
        } finally {
            encoded.release();
        }
    }

    private static String h(String spaced) {
        return spaced.replace(" ", "");
    }

    @Test
    void connect311ExactBytes_MQTT_3_1_2_1() {
        Connect connect = new Connect(MqttVersion.MQTT_3_1_1, "c", true, 60, "u", new byte[] {'p'},
                new Will("w", new byte[] {1}, QoS.AT_LEAST_ONCE, true, MqttProperties.EMPTY), MqttProperties.EMPTY);
        // flags: user 80 | password 40 | will retain 20 | will QoS 1 08 | will 04 | clean 02 = EE
        assertThat(hex(connect, MqttVersion.MQTT_3_1_1))
                .isEqualTo(h("10 19 0004 4D515454 04 EE 003C 0001 63 0001 77 0001 01 0001 75 0001 70"));
    }

    @Test
    void connect31UsesMQIsdpLevel3() {
        Connect connect = new Connect(MqttVersion.MQTT_3_1, "c", false, 0, null, null, null, MqttProperties.EMPTY);
        assertThat(hex(connect, MqttVersion.MQTT_3_1)).isEqualTo(h("10 0F 0006 4D5149736470 03 00 0000 0001 63"));
    }

    @Test
    void connectIsEncodedInItsOwnVersionWhateverVersionIsAsked() {
        Connect connect = new Connect(MqttVersion.MQTT_5, "c", false, 0, null, null, null, MqttProperties.EMPTY);
        assertThat(hex(connect, MqttVersion.MQTT_3_1_1)).isEqualTo(h("10 0E 0004 4D515454 05 00 0000 00 0001 63"));
    }

    @Test
    void v3ConnAckUsesReturnCodes_MQTT_3_2_2_3() {
        assertThat(hex(new ConnAck(true, ReasonCode.SUCCESS, MqttProperties.EMPTY), MqttVersion.MQTT_3_1_1))
                .isEqualTo("20020100");
        assertThat(hex(new ConnAck(false, ReasonCode.BANNED, MqttProperties.EMPTY), MqttVersion.MQTT_3_1_1))
                .isEqualTo("20020005");
        assertThat(hex(new ConnAck(false, ReasonCode.SERVER_BUSY, MqttProperties.EMPTY), MqttVersion.MQTT_3_1))
                .isEqualTo("20020003");
        assertThat(hex(new ConnAck(false, ReasonCode.UNSUPPORTED_PROTOCOL_VERSION,
                MqttProperties.builder().reasonString("dropped in 3.x").build()), MqttVersion.MQTT_3_1_1))
                .isEqualTo("20020001");
    }

    @Test
    void v3SubAckWrites0x80ForEveryError_MQTT_3_9_3() {
        SubAck subAck = new SubAck(1, List.of(ReasonCode.GRANTED_QOS_2, ReasonCode.NOT_AUTHORIZED,
                ReasonCode.TOPIC_FILTER_INVALID, ReasonCode.QUOTA_EXCEEDED), MqttProperties.EMPTY);
        assertThat(hex(subAck, MqttVersion.MQTT_3_1_1)).isEqualTo(h("90 06 0001 02 80 80 80"));
    }

    @Test
    void v3AcknowledgementsCarryOnlyThePacketIdentifier() {
        MqttProperties properties = MqttProperties.builder().reasonString("r").build();
        assertThat(hex(new PubAck(3, ReasonCode.NOT_AUTHORIZED, properties), MqttVersion.MQTT_3_1_1))
                .isEqualTo("40020003");
        assertThat(hex(new PubRel(3, ReasonCode.SUCCESS, properties), MqttVersion.MQTT_3_1)).isEqualTo("62020003");
        assertThat(hex(new UnsubAck(3, List.of(ReasonCode.NO_SUBSCRIPTION_EXISTED), properties),
                MqttVersion.MQTT_3_1_1)).isEqualTo("B0020003");
        assertThat(hex(new Disconnect(ReasonCode.SERVER_SHUTTING_DOWN, MqttProperties.EMPTY), MqttVersion.MQTT_3_1_1))
                .isEqualTo("E000");
    }

    @Test
    void v5ShortForms() {
        assertThat(hex(new PubAck(3), MqttVersion.MQTT_5)).isEqualTo("40020003");
        assertThat(hex(new PubAck(3, ReasonCode.QUOTA_EXCEEDED, MqttProperties.EMPTY), MqttVersion.MQTT_5))
                .isEqualTo("4003000397");
        assertThat(hex(Disconnect.NORMAL, MqttVersion.MQTT_5)).isEqualTo("E000");
        assertThat(hex(new Disconnect(ReasonCode.SERVER_SHUTTING_DOWN, MqttProperties.EMPTY), MqttVersion.MQTT_5))
                .isEqualTo("E0018B");
        assertThat(hex(new Auth(ReasonCode.SUCCESS, MqttProperties.EMPTY), MqttVersion.MQTT_5)).isEqualTo("F000");
        assertThat(hex(new Auth(ReasonCode.CONTINUE_AUTHENTICATION, MqttProperties.EMPTY), MqttVersion.MQTT_5))
                .isEqualTo("F0021800");
    }

    @Test
    void v5SubscribeOptionsByte_MQTT_3_8_3_1() {
        Subscribe subscribe = new Subscribe(1, List.of(new TopicSubscription("a",
                new SubscriptionOptions(QoS.EXACTLY_ONCE, true, true, RetainHandling.DO_NOT_SEND))),
                MqttProperties.builder().addSubscriptionIdentifier(200).build());
        // options: retain handling 2 << 4 | RAP 08 | NL 04 | QoS 2 = 2E; subscription id 200 = C8 01
        assertThat(hex(subscribe, MqttVersion.MQTT_5)).isEqualTo(h("82 0A 0001 03 0B C801 0001 61 2E"));
        // 3.x keeps the QoS only
        assertThat(hex(subscribe, MqttVersion.MQTT_3_1_1)).isEqualTo(h("82 06 0001 0001 61 02"));
    }

    @Test
    void qos0PublishWritesNeitherPacketIdentifierNorDup_MQTT_3_3_1_2() {
        Publish publish = new Publish("t", QoS.AT_MOST_ONCE, true, true, 12, MqttProperties.EMPTY,
                TestPackets.bytes("AA"));
        try {
            assertThat(hex(publish, MqttVersion.MQTT_3_1_1)).isEqualTo(h("31 04 0001 74 AA"));
        } finally {
            publish.release();
        }
    }

    @Test
    void authCannotBeEncodedForV3() {
        assertThatThrownBy(() -> MqttPacketEncoder.encode(ByteBufAllocator.DEFAULT,
                new Auth(ReasonCode.SUCCESS, MqttProperties.EMPTY), MqttVersion.MQTT_3_1_1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void packetIdentifierZeroIsRefused_MQTT_2_2_1_3(MqttVersion version) {
        assertThatThrownBy(() -> MqttPacketEncoder.encodedSize(new PubAck(0), version))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MqttPacketEncoder.encodedSize(new Subscribe(0,
                List.of(new TopicSubscription("a", SubscriptionOptions.of(QoS.AT_MOST_ONCE))), MqttProperties.EMPTY),
                version)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reasonCodeNotDefinedForThePacketIsRefused() {
        assertThatThrownBy(() -> MqttPacketEncoder.encodedSize(
                new PubAck(1, ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, MqttProperties.EMPTY), MqttVersion.MQTT_5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MqttPacketEncoder.encodedSize(
                new Disconnect(ReasonCode.CONTINUE_AUTHENTICATION, MqttProperties.EMPTY), MqttVersion.MQTT_5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void propertyNotAllowedInThePacketIsRefused_MQTT_2_2_2_2() {
        assertThatThrownBy(() -> MqttPacketEncoder.encodedSize(new PubAck(1, ReasonCode.SUCCESS,
                MqttProperties.builder().topicAlias(1).build()), MqttVersion.MQTT_5))
                .isInstanceOf(IllegalArgumentException.class);
        Will will = new Will("w", new byte[0], QoS.AT_MOST_ONCE, false,
                MqttProperties.builder().sessionExpiryInterval(1L).build());
        assertThatThrownBy(() -> MqttPacketEncoder.encodedSize(new Connect(MqttVersion.MQTT_5, "c", true, 0, null, null,
                will, MqttProperties.EMPTY), MqttVersion.MQTT_5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stringOverTheUtf8LimitIsRefused_MQTT_1_5_4() {
        String topic = "\u20ac".repeat(21_846); // 65,538 UTF-8 bytes
        assertThatThrownBy(() -> MqttPacketEncoder.encodedSize(new Connect(MqttVersion.MQTT_3_1_1, topic, true, 0,
                null, null, null, MqttProperties.EMPTY), MqttVersion.MQTT_3_1_1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passwordWithoutUserNameIsRefusedBefore5_MQTT_3_1_2_22() {
        Connect connect = new Connect(MqttVersion.MQTT_3_1_1, "c", true, 0, null, new byte[] {1}, null,
                MqttProperties.EMPTY);
        assertThatThrownBy(() -> MqttPacketEncoder.encodedSize(connect, MqttVersion.MQTT_3_1_1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void failedEncodeLeavesThePublishUntouched() {
        Publish publish = new Publish("t", QoS.AT_LEAST_ONCE, false, false, 0, MqttProperties.EMPTY,
                TestPackets.payload(1_000));
        assertThatThrownBy(() -> MqttPacketEncoder.encode(ByteBufAllocator.DEFAULT, publish, MqttVersion.MQTT_5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(publish.refCnt()).isEqualTo(1);
        publish.release();
    }
}
