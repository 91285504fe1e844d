package io.starling.codec.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.DuplicatedByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.starling.codec.MqttPacketEncoder;
import io.starling.codec.MqttVersion;
import io.starling.codec.PacketType;
import io.starling.codec.QoS;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PingReq;
import io.starling.codec.packet.Publish;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class MqttFrameDecoderTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private static ByteBuf hex(String hex) {
        return ALLOC.buffer().writeBytes(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
    }

    private static ByteBuf encode(MqttPacket packet, MqttVersion version) {
        return MqttPacketEncoder.encode(ALLOC, packet, version);
    }

    private static Connect connect(MqttVersion version) {
        return new Connect(version, "client", true, 30, null, null, null, MqttProperties.EMPTY);
    }

    @Test
    void decodesConnectThenPublishAndSetsTheChannelVersion() {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttFrameDecoder(1_000));
        ByteBuf stream = ALLOC.buffer();
        ByteBuf connect = encode(connect(MqttVersion.MQTT_5), MqttVersion.MQTT_5);
        Publish publish = new Publish("t", QoS.AT_LEAST_ONCE, false, false, 1, MqttProperties.EMPTY,
                ALLOC.buffer().writeBytes("hello".getBytes(StandardCharsets.UTF_8)));
        ByteBuf encodedPublish = encode(publish, MqttVersion.MQTT_5);
        stream.writeBytes(connect).writeBytes(encodedPublish);
        connect.release();
        encodedPublish.release();

        assertThat(channel.writeInbound(stream)).isTrue();

        assertThat((Object) channel.readInbound()).isEqualTo(connect(MqttVersion.MQTT_5));
        assertThat(channel.attr(MqttChannelAttributes.VERSION).get()).isEqualTo(MqttVersion.MQTT_5);
        Publish decoded = channel.readInbound();
        assertThat(decoded).isEqualTo(publish);
        decoded.release();
        publish.release();
        assertThat(stream.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void bytesArrivingOneByOneGiveOnePacket() {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttFrameDecoder(1_000));
        ByteBuf encoded = encode(connect(MqttVersion.MQTT_3_1), MqttVersion.MQTT_3_1);
        byte[] wire = ByteBufUtil.getBytes(encoded);
        encoded.release();
        for (int i = 0; i < wire.length; i++) {
            channel.writeInbound(ALLOC.buffer(1).writeByte(wire[i]));
            assertThat((Object) channel.readInbound()).as("after byte %d", i)
                    .isEqualTo(i == wire.length - 1 ? connect(MqttVersion.MQTT_3_1) : null);
        }
        assertThat(channel.attr(MqttChannelAttributes.VERSION).get()).isEqualTo(MqttVersion.MQTT_3_1);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void firstPacketOtherThanConnectFailsOnceThenInputIsDiscarded_MQTT_3_1_0_1() {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttFrameDecoder(1_000));
        ByteBuf first = hex("C0 00"); // PINGREQ before CONNECT
        ByteBuf later = encode(connect(MqttVersion.MQTT_3_1_1), MqttVersion.MQTT_3_1_1);

        channel.writeInbound(first);
        channel.writeInbound(later);

        DecodeFailure failure = channel.readInbound();
        assertThat(failure.reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
        assertThat(failure.packetType()).isEqualTo(PacketType.PINGREQ);
        assertThat((Object) channel.readInbound()).as("everything after the failure is skipped").isNull();
        assertThat(channel.isOpen()).as("the decoder never closes the channel").isTrue();
        assertThat(first.refCnt()).isZero();
        assertThat(later.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void oversizePacketFailsFromItsFixedHeaderAlone() {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttFrameDecoder(100));
        channel.attr(MqttChannelAttributes.VERSION).set(MqttVersion.MQTT_5);
        channel.writeInbound(hex("30 FF FF 7F")); // PUBLISH announcing 2,097,151 bytes, none of them sent

        DecodeFailure failure = channel.readInbound();
        assertThat(failure.reasonCode()).isEqualTo(ReasonCode.PACKET_TOO_LARGE);
        assertThat(failure.packetType()).isEqualTo(PacketType.PUBLISH);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void clientChannelWithAVersionDecodesServerPackets() {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttFrameDecoder(1_000));
        channel.attr(MqttChannelAttributes.VERSION).set(MqttVersion.MQTT_5);
        ConnAck connAck = new ConnAck(true, ReasonCode.SUCCESS, MqttProperties.builder().receiveMaximum(10).build());
        channel.writeInbound(encode(connAck, MqttVersion.MQTT_5));
        channel.writeInbound(encode(PingReq.INSTANCE, MqttVersion.MQTT_5));

        assertThat((Object) channel.readInbound()).isEqualTo(connAck);
        assertThat((Object) channel.readInbound()).isEqualTo(PingReq.INSTANCE);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void malformedPacketAfterValidOnesKeepsTheValidOnes_MQTT_2_1_3_1() {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttFrameDecoder(1_000));
        ByteBuf stream = encode(connect(MqttVersion.MQTT_3_1_1), MqttVersion.MQTT_3_1_1);
        stream.writeBytes(ByteBufUtil.decodeHexDump("C000" + "C100" + "C000")); // PINGREQ, PINGREQ with flag bit 0
        channel.writeInbound(stream);

        assertThat((Object) channel.readInbound()).isInstanceOf(Connect.class);
        assertThat((Object) channel.readInbound()).isEqualTo(PingReq.INSTANCE);
        DecodeFailure failure = channel.readInbound();
        assertThat(failure.reasonCode()).isEqualTo(ReasonCode.MALFORMED_PACKET);
        assertThat(failure.message()).contains("MQTT-2.1.3-1");
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    @SuppressWarnings("deprecation")
    void unexpectedRuntimeExceptionBecomesAMalformedPacketFailure() {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttFrameDecoder(1_000));
        ByteBuf backing = hex("C0 00");
        // A buffer that breaks on read: stands for any bug below the decoder.
        ByteBuf broken = new DuplicatedByteBuf(backing) {
            @Override
            protected byte _getByte(int index) {
                throw new IllegalStateException("boom");
            }

            @Override
            public byte getByte(int index) {
                throw new IllegalStateException("boom");
            }

            @Override
            public short getUnsignedByte(int index) {
                throw new IllegalStateException("boom");
            }
        };

        channel.writeInbound(broken);

        DecodeFailure failure = channel.readInbound();
        assertThat(failure.reasonCode()).isEqualTo(ReasonCode.MALFORMED_PACKET);
        assertThat(failure.message()).contains("boom");
        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.finish()).isFalse();
        assertThat(backing.refCnt()).isZero();
    }
}
