package io.starling.loadtool.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.starling.codec.MqttPacketDecoder;
import io.starling.codec.MqttPacketEncoder;
import io.starling.codec.MqttVersion;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PubAck;
import io.starling.codec.packet.PubComp;
import io.starling.codec.packet.PubRec;
import io.starling.codec.packet.PubRel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hand-written acknowledgements are exactly what our encoder writes for a successful flow, in 3.1.1 and 5.0. */
class AckPacketsTest {

    private static void assertSameAsCodec(MqttVersion version, BiFunction<ByteBufAllocator, Integer, ByteBuf> ours,
                                          MqttPacket expected, int packetId) {
        ByteBuf written = ours.apply(PooledByteBufAllocator.DEFAULT, packetId);
        ByteBuf encoded = MqttPacketEncoder.encode(UnpooledByteBufAllocator.DEFAULT, expected, version);
        try {
            assertThat(written).isEqualTo(encoded);
            MqttPacket decoded = new MqttPacketDecoder(1024, version).decode(written);
            assertThat(decoded).isEqualTo(expected);
        } finally {
            written.release();
            encoded.release();
        }
    }

    @ParameterizedTest
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void acknowledgementsMatchTheCodec_MQTT_3_6_1_1(MqttVersion version) {
        for (int packetId : new int[]{1, 300, 65535}) {
            assertSameAsCodec(version, AckPackets::pubAck, new PubAck(packetId), packetId);
            assertSameAsCodec(version, AckPackets::pubRec, new PubRec(packetId), packetId);
            assertSameAsCodec(version, AckPackets::pubRel, new PubRel(packetId), packetId);
            assertSameAsCodec(version, AckPackets::pubComp, new PubComp(packetId), packetId);
        }
    }

    @Test
    void packetIdentifierZeroIsRefused_MQTT_2_2_1_3_and_MQTT_2_3_1_1() {
        assertThatThrownBy(() -> AckPackets.pubAck(PooledByteBufAllocator.DEFAULT, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
