package io.starling.codec.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.Auth;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.PubAck;
import io.starling.codec.packet.Publish;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttPacketEncoderHandlerTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final PubAck PUBACK = new PubAck(5, ReasonCode.NO_MATCHING_SUBSCRIBERS,
            MqttProperties.builder().reasonString("r").build());

    private static String readHex(EmbeddedChannel channel) {
        ByteBuf out = channel.readOutbound();
        try {
            return ByteBufUtil.hexDump(out);
        } finally {
            out.release();
        }
    }

    @Test
    void encodesWithMqtt311WhenTheChannelHasNoVersion() {
        EmbeddedChannel channel = new EmbeddedChannel(MqttPacketEncoderHandler.INSTANCE);
        channel.writeOutbound(PUBACK);
        assertThat(readHex(channel)).isEqualTo("40020005"); // 3.x PUBACK: packet identifier only
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void encodesWithTheChannelVersion() {
        EmbeddedChannel channel = new EmbeddedChannel(MqttPacketEncoderHandler.INSTANCE);
        channel.attr(MqttChannelAttributes.VERSION).set(MqttVersion.MQTT_5);
        channel.writeOutbound(PUBACK);
        // 5.0 PUBACK: id 5, reason 0x10, properties (4 bytes: Reason String "r")
        assertThat(readHex(channel)).isEqualTo("40080005" + "10" + "04" + "1f000172");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void publishIsReleasedOnceEncodedAndTheOutputHoldsItsOwnReference() {
        EmbeddedChannel channel = new EmbeddedChannel(MqttPacketEncoderHandler.INSTANCE);
        ByteBuf payload = ALLOC.buffer().writeZero(2_000);
        Publish publish = new Publish("t", QoS.AT_MOST_ONCE, false, false, 0, MqttProperties.EMPTY, payload);

        channel.writeOutbound(publish);

        assertThat(payload.refCnt()).as("only the encoded buffer references the payload").isEqualTo(1);
        ByteBuf out = channel.readOutbound();
        assertThat(out.readableBytes()).isEqualTo(2 + 3 + 2_000 + 1); // header (2) + topic (3) + payload, VBI 2 bytes
        out.release();
        assertThat(payload.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void preEncodedBuffersPassThroughUntouched() {
        EmbeddedChannel channel = new EmbeddedChannel(MqttPacketEncoderHandler.INSTANCE);
        ByteBuf raw = ALLOC.buffer().writeByte(0xC0).writeByte(0);
        channel.writeOutbound(raw);
        ByteBuf out = channel.readOutbound();
        assertThat(out).isSameAs(raw);
        out.release();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void encodingConnectAnnouncesItsVersionOnTheChannel() {
        EmbeddedChannel channel = new EmbeddedChannel(MqttPacketEncoderHandler.INSTANCE);
        channel.writeOutbound(new Connect(MqttVersion.MQTT_5, "c", true, 0, null, null, null, MqttProperties.EMPTY));
        assertThat(readHex(channel)).startsWith("10").contains("00044d51545405"); // "MQTT", level 5
        assertThat(channel.attr(MqttChannelAttributes.VERSION).get()).isEqualTo(MqttVersion.MQTT_5);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void packetTheVersionCannotCarryFailsTheWrite() {
        EmbeddedChannel channel = new EmbeddedChannel(MqttPacketEncoderHandler.INSTANCE);
        assertThatThrownBy(() -> channel.writeOutbound(new Auth(ReasonCode.CONTINUE_AUTHENTICATION,
                MqttProperties.EMPTY))).isInstanceOf(EncoderException.class)
                .hasRootCauseInstanceOf(IllegalArgumentException.class);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void invalidPublishIsReleasedEvenWhenEncodingFails() {
        EmbeddedChannel channel = new EmbeddedChannel(MqttPacketEncoderHandler.INSTANCE);
        ByteBuf payload = ALLOC.buffer().writeZero(10);
        Publish invalid = new Publish("t", QoS.AT_LEAST_ONCE, false, false, 0, MqttProperties.EMPTY, payload);
        assertThatThrownBy(() -> channel.writeOutbound(invalid)).isInstanceOf(EncoderException.class);
        assertThat(payload.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }
}
