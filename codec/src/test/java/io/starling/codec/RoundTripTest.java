package io.starling.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.Publish;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** decode(encode(p)) == p for every packet type in every version, whole and in every split. */
class RoundTripTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private static MqttPacketDecoder decoderFor(MqttPacket packet, MqttVersion version) {
        // CONNECT is decoded by a server-side decoder that does not know the version yet.
        return new MqttPacketDecoder(MqttPacketDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE,
                packet instanceof Connect ? null : version);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void everyPacketTypeRoundTrips(MqttVersion version) {
        List<MqttPacket> packets = TestPackets.samples(version);
        Set<PacketType> covered = EnumSet.noneOf(PacketType.class);
        try {
            for (MqttPacket packet : packets) {
                ByteBuf encoded = MqttPacketEncoder.encode(ALLOC, packet, version);
                try {
                    assertThat(encoded.readableBytes()).as("encodedSize of %s", packet)
                            .isEqualTo(MqttPacketEncoder.encodedSize(packet, version));
                    MqttPacketDecoder decoder = decoderFor(packet, version);
                    MqttPacket decoded = decoder.decode(encoded);
                    try {
                        assertThat(decoded).as("round trip of %s", packet).isEqualTo(packet);
                        assertThat(encoded.isReadable()).isFalse();
                        assertThat(decoder.version()).isEqualTo(version);
                    } finally {
                        release(decoded);
                    }
                } finally {
                    encoded.release();
                }
                covered.add(packet.type());
            }
        } finally {
            TestPackets.releaseAll(packets);
        }
        Set<PacketType> expected = EnumSet.allOf(PacketType.class);
        if (!version.isV5()) {
            expected.remove(PacketType.AUTH);
        }
        assertThat(covered).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void decodingIsIndependentOfHowBytesArrive(MqttVersion version) {
        List<MqttPacket> packets = TestPackets.samples(version);
        try {
            for (MqttPacket packet : packets) {
                ByteBuf encoded = MqttPacketEncoder.encode(ALLOC, packet, version);
                byte[] wire = ByteBufUtil.getBytes(encoded);
                encoded.release();
                for (int cut = 0; cut < wire.length; cut += wire.length < 2_000 ? 1 : 997) {
                    assertDecodesWhenSplit(packet, version, wire, cut);
                }
            }
        } finally {
            TestPackets.releaseAll(packets);
        }
    }

    private static void assertDecodesWhenSplit(MqttPacket packet, MqttVersion version, byte[] wire, int cut) {
        MqttPacketDecoder decoder = decoderFor(packet, version);
        // An untracked heap buffer: the leak detector's per-access records would make thousands of splits slow.
        // The release at the end must free it, which proves the decoded payload slice was released.
        ByteBuf cumulation = Unpooled.buffer(wire.length);
        boolean freed = false;
        try {
            cumulation.writeBytes(wire, 0, cut);
            // Plain checks in this hot loop (thousands of cuts); AssertJ only reports a mismatch.
            MqttPacket early = decoder.decode(cumulation);
            if (early != null || cumulation.readerIndex() != 0) {
                release(early);
                fail("%s cut at %d decoded early or moved the reader index", packet.type(), cut);
            }
            cumulation.writeBytes(wire, cut, wire.length - cut);
            MqttPacket decoded = decoder.decode(cumulation);
            try {
                if (!packet.equals(decoded) || cumulation.readerIndex() != wire.length) {
                    assertThat(decoded).as("%s cut at %d", packet.type(), cut).isEqualTo(packet);
                    fail("%s cut at %d left the reader index at %d", packet.type(), cut, cumulation.readerIndex());
                }
            } finally {
                release(decoded);
            }
        } finally {
            freed = cumulation.release();
        }
        assertThat(freed).isTrue();
    }

    @Test
    void packetsBackToBackInOneBufferDecodeInOrder() {
        List<MqttPacket> packets = TestPackets.samples(MqttVersion.MQTT_5);
        ByteBuf stream = ALLOC.buffer();
        try {
            for (MqttPacket packet : packets) {
                ByteBuf encoded = MqttPacketEncoder.encode(ALLOC, packet, MqttVersion.MQTT_5);
                stream.writeBytes(encoded);
                encoded.release();
            }
            MqttPacketDecoder decoder = new MqttPacketDecoder(MqttPacketDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE, null);
            for (MqttPacket packet : packets) {
                MqttPacket decoded = decoder.decode(stream);
                try {
                    assertThat(decoded).isEqualTo(packet);
                } finally {
                    release(decoded);
                }
            }
            assertThat(decoder.decode(stream)).isNull();
            assertThat(stream.isReadable()).isFalse();
        } finally {
            stream.release();
            TestPackets.releaseAll(packets);
        }
    }

    @Test
    void largePublishPayloadIsReferencedNotCopiedAndPacketNotReleased() {
        Publish publish = new Publish("t", QoS.AT_LEAST_ONCE, false, false, 1, MqttProperties.EMPTY,
                TestPackets.payload(MqttPacketEncoder.COPY_THRESHOLD + 1));
        ByteBuf encoded = MqttPacketEncoder.encode(ALLOC, publish, MqttVersion.MQTT_3_1_1);
        try {
            assertThat(encoded).isInstanceOf(CompositeByteBuf.class);
            assertThat(publish.refCnt()).as("encoded buffer holds its own reference").isEqualTo(2);
            assertThat(publish.release()).isFalse(); // the caller may release at once
        } finally {
            encoded.release();
        }
        assertThat(publish.refCnt()).isZero();
    }

    @Test
    void smallPublishPayloadIsCopied() {
        Publish publish = new Publish("t", QoS.AT_MOST_ONCE, false, false, 0, MqttProperties.EMPTY,
                TestPackets.payload(MqttPacketEncoder.COPY_THRESHOLD));
        ByteBuf encoded = MqttPacketEncoder.encode(ALLOC, publish, MqttVersion.MQTT_5);
        try {
            assertThat(encoded).isNotInstanceOf(CompositeByteBuf.class);
            assertThat(publish.refCnt()).isEqualTo(1);
        } finally {
            encoded.release();
            publish.release();
        }
    }

    @Test
    void decodedPublishPayloadIsARetainedSliceOfTheInput() {
        ByteBuf input = TestPackets.bytes("30 06 0001 61 AA BB CC"); // QoS 0 PUBLISH "a", payload AABBCC
        MqttPacket decoded = new MqttPacketDecoder(1_000, MqttVersion.MQTT_3_1_1).decode(input);
        Publish publish = (Publish) decoded;
        assertThat(input.refCnt()).isEqualTo(2);
        input.setByte(5, 0x11); // the slice sees the input's memory: nothing was copied
        assertThat(ByteBufUtil.hexDump(publish.payload())).isEqualTo("11bbcc");
        input.release();
        assertThat(publish.refCnt()).isEqualTo(1);
        publish.release();
        assertThat(input.refCnt()).isZero();
    }

    private static void release(MqttPacket packet) {
        if (packet instanceof Publish publish) {
            publish.release();
        }
    }
}
