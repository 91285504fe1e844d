package io.starling.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.Publish;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of {@link MqttPacketDecoder}: random bytes and mutated valid packets. Whatever the input,
 * only {@link MqttDecodeException} may escape, every decoded packet is valid enough to re-encode, and no buffer
 * reference is left behind. Also: random valid packets round-trip.
 */
class DecoderFuzzTest {

    private static final MqttVersion[] VERSIONS_AND_NULL = {null, MqttVersion.MQTT_3_1, MqttVersion.MQTT_3_1_1,
            MqttVersion.MQTT_5};

    @Property
    void randomValidPacketsRoundTrip(@ForAll("versionedPackets") RandomPackets.VersionedPacket generated) {
        MqttPacket packet = generated.packet();
        MqttVersion version = generated.version();
        ByteBuf encoded = MqttPacketEncoder.encode(ByteBufAllocator.DEFAULT, packet, version);
        try {
            assertThat(encoded.readableBytes()).isEqualTo(MqttPacketEncoder.encodedSize(packet, version));
            MqttPacket decoded = new MqttPacketDecoder(MqttPacketDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE,
                    packet instanceof Connect ? null : version).decode(encoded);
            try {
                assertThat(decoded).isEqualTo(packet);
                assertThat(encoded.isReadable()).isFalse();
            } finally {
                release(decoded);
            }
        } finally {
            encoded.release();
            release(packet);
        }
    }

    @Provide
    Arbitrary<RandomPackets.VersionedPacket> versionedPackets() {
        return RandomPackets.versionedPackets();
    }

    @Property
    void randomBytesOnlyEverFailWithMqttDecodeException(@ForAll @Size(max = 300) byte[] bytes,
                                                        @ForAll("versions") MqttVersion version) {
        decodeEverything(bytes, version);
    }

    @Property
    void randomBytesBehindAPlausibleFirstByte(@ForAll @Size(max = 200) byte[] bytes,
                                              @ForAll("firstBytes") int firstByte,
                                              @ForAll("versions") MqttVersion version) {
        // A well-formed type/flags byte and a small remaining length get the fuzz into the packet bodies.
        byte[] input = new byte[bytes.length + 2];
        input[0] = (byte) firstByte;
        input[1] = (byte) Math.min(bytes.length, 127);
        System.arraycopy(bytes, 0, input, 2, bytes.length);
        decodeEverything(input, version);
    }

    @Property
    void mutatedValidPacketsOnlyEverFailWithMqttDecodeException(@ForAll("mutatedPackets") Mutated mutated) {
        decodeEverything(mutated.bytes(), mutated.version());
    }

    @Provide
    Arbitrary<MqttVersion> versions() {
        return Arbitraries.of(VERSIONS_AND_NULL);
    }

    @Provide
    Arbitrary<Integer> firstBytes() {
        // every type with the flags it requires, PUBLISH with any QoS 0..2 flags
        return Arbitraries.of(0x10, 0x20, 0x30, 0x31, 0x32, 0x33, 0x34, 0x3A, 0x3D, 0x40, 0x50, 0x62, 0x70, 0x82,
                0x90, 0xA2, 0xB0, 0xC0, 0xD0, 0xE0, 0xF0);
    }

    record Mutated(MqttVersion version, byte[] bytes) {
    }

    @Provide
    Arbitrary<Mutated> mutatedPackets() {
        return Arbitraries.randomValue(random -> {
            MqttVersion version = MqttVersion.values()[random.nextInt(3)];
            MqttPacket packet = RandomPackets.packet(random, version);
            ByteBuf encoded = MqttPacketEncoder.encode(Unpooled.buffer().alloc(), packet, version);
            byte[] wire = new byte[encoded.readableBytes()];
            encoded.readBytes(wire);
            encoded.release();
            release(packet);
            return new Mutated(packet instanceof Connect ? null : version, mutate(random, wire));
        });
    }

    /** One to three edits: flip bits, overwrite, truncate, insert, delete, or rewrite the remaining length. */
    private static byte[] mutate(Random random, byte[] wire) {
        List<Byte> bytes = new ArrayList<>(wire.length + 4);
        for (byte b : wire) {
            bytes.add(b);
        }
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits && !bytes.isEmpty(); i++) {
            int at = random.nextInt(bytes.size());
            switch (random.nextInt(6)) {
                case 0 -> bytes.set(at, (byte) (bytes.get(at) ^ (1 << random.nextInt(8))));
                case 1 -> bytes.set(at, (byte) random.nextInt(256));
                case 2 -> bytes.subList(at, bytes.size()).clear();
                case 3 -> bytes.add(at, (byte) random.nextInt(256));
                case 4 -> bytes.remove(at);
                default -> {
                    if (bytes.size() > 1) {
                        bytes.set(1, (byte) random.nextInt(128)); // a remaining length that lies
                    }
                }
            }
        }
        byte[] result = new byte[bytes.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = bytes.get(i);
        }
        return result;
    }

    /** Decodes packets until the input runs out or fails; checks exceptions, re-encodability and references. */
    private static void decodeEverything(byte[] bytes, MqttVersion version) {
        MqttPacketDecoder decoder = new MqttPacketDecoder(1_000, version);
        ByteBuf input = Unpooled.buffer(bytes.length).writeBytes(bytes); // a real buffer even when empty
        List<MqttPacket> decoded = new ArrayList<>();
        try {
            for (int packets = 0; packets < bytes.length + 1; packets++) { // bounded: each packet takes >= 2 bytes
                int before = input.readerIndex();
                MqttPacket packet;
                try {
                    packet = decoder.decode(input);
                } catch (MqttDecodeException expected) {
                    assertThat(expected.reasonCode().isError()).isTrue();
                    assertThat(input.readerIndex()).isEqualTo(before);
                    break;
                } catch (RuntimeException unexpected) {
                    throw new AssertionError("decoder let " + unexpected + " escape", unexpected);
                }
                if (packet == null) {
                    assertThat(input.readerIndex()).isEqualTo(before);
                    break;
                }
                assertThat(input.readerIndex()).isGreaterThan(before);
                decoded.add(packet);
                // what the decoder accepts, the encoder can write back ([MQTT] is symmetric for valid packets)
                ByteBuf again = MqttPacketEncoder.encode(Unpooled.buffer().alloc(), packet,
                        decoder.version() == null ? MqttVersion.MQTT_3_1_1 : decoder.version());
                again.release();
            }
        } finally {
            // A payload slice shares the input's reference count: releasing each decoded packet once must
            // bring the input back to our single reference.
            for (MqttPacket packet : decoded) {
                release(packet);
            }
            assertThat(input.refCnt()).as("only our reference remains on the input").isEqualTo(1);
            assertThat(input.release()).isTrue();
        }
    }

    private static void release(MqttPacket packet) {
        if (packet instanceof Publish publish) {
            publish.release();
        }
    }
}
