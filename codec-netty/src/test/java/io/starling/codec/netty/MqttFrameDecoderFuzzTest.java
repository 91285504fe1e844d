package io.starling.codec.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.starling.codec.MqttPacketEncoder;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.Disconnect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PingReq;
import io.starling.codec.packet.PubAck;
import io.starling.codec.packet.PubRel;
import io.starling.codec.packet.Publish;
import io.starling.codec.packet.Subscribe;
import io.starling.codec.packet.SubscriptionOptions;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.packet.Unsubscribe;
import io.starling.codec.packet.Will;
import io.starling.codec.property.MqttProperties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing {@link MqttFrameDecoder} in a channel: whatever arrives, in whatever chunks, nothing escapes the
 * pipeline, the channel stays open, at most one {@link DecodeFailure} comes out and nothing after it, and every
 * inbound buffer is released.
 */
class MqttFrameDecoderFuzzTest {

    record Input(List<byte[]> chunks) {
    }

    @Property
    void randomBytesNeverEscapeTheDecoder(@ForAll("randomChunks") Input input) {
        feed(input); // asserts as it goes
    }

    @Property
    void mutatedClientStreamsNeverEscapeTheDecoder(@ForAll("mutatedStreams") Input input) {
        feed(input);
    }

    @Property
    void unmutatedClientStreamsDecodeCompletelyInAnyChunking(@ForAll("cleanStreams") Input input) {
        Outcome outcome = feed(input);
        assertThat(outcome.failures()).isZero();
        assertThat(outcome.packets()).isEqualTo(STREAM_PACKETS);
    }

    @Provide
    Arbitrary<Input> randomChunks() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(120).list().ofMinSize(1).ofMaxSize(5).map(Input::new);
    }

    @Provide
    Arbitrary<Input> mutatedStreams() {
        return Arbitraries.randomValue(random -> split(random, mutate(random, clientStream(random))));
    }

    @Provide
    Arbitrary<Input> cleanStreams() {
        return Arbitraries.randomValue(random -> split(random, clientStream(random)));
    }

    record Outcome(int packets, int failures) {
    }

    private static Outcome feed(Input input) {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttFrameDecoder(2_000));
        List<ByteBuf> sent = new ArrayList<>();
        int packets = 0;
        int failures = 0;
        try {
            for (byte[] chunk : input.chunks()) {
                ByteBuf buf = Unpooled.buffer(chunk.length).writeBytes(chunk);
                sent.add(buf);
                channel.writeInbound(buf); // throws if anything escapes the decoder
            }
            for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
                assertThat(failures).as("nothing follows a DecodeFailure").isZero();
                if (message instanceof DecodeFailure failure) {
                    assertThat(failure.reasonCode().isError()).isTrue();
                    failures++;
                } else {
                    assertThat(message).isInstanceOf(MqttPacket.class);
                    if (message instanceof Publish publish) {
                        publish.release();
                    }
                    packets++;
                }
            }
            assertThat(channel.isOpen()).isTrue();
            assertThat(channel.finish()).isFalse();
        } finally {
            channel.finishAndReleaseAll();
        }
        for (ByteBuf buf : sent) {
            assertThat(buf.refCnt()).as("inbound buffer released").isZero();
        }
        return new Outcome(packets, failures);
    }

    private static final int STREAM_PACKETS = 8;

    /** A client's stream: CONNECT in a random version, then seven more packets of several types. */
    private static byte[] clientStream(Random random) {
        MqttVersion version = MqttVersion.values()[random.nextInt(3)];
        MqttProperties properties = version.isV5()
                ? MqttProperties.builder().addUserProperty("k", "v").build() : MqttProperties.EMPTY;
        byte[] payload = new byte[random.nextInt(600)];
        random.nextBytes(payload);
        List<MqttPacket> packets = List.of(
                new Connect(version, "client", true, 30, "user", new byte[] {1, 2},
                        new Will("will/topic", new byte[] {3}, QoS.AT_LEAST_ONCE, false, MqttProperties.EMPTY),
                        properties),
                new Subscribe(1, List.of(new TopicSubscription("a/+", SubscriptionOptions.of(QoS.EXACTLY_ONCE))),
                        properties),
                new Publish("a/b", QoS.AT_LEAST_ONCE, true, false, 2, properties, Unpooled.wrappedBuffer(payload)),
                new PubAck(3),
                new PubRel(4, ReasonCode.SUCCESS, properties),
                PingReq.INSTANCE,
                new Unsubscribe(5, List.of("a/+"), properties),
                new Disconnect(ReasonCode.SUCCESS, properties));
        ByteBuf stream = Unpooled.buffer();
        for (MqttPacket packet : packets) {
            ByteBuf encoded = MqttPacketEncoder.encode(Unpooled.buffer().alloc(), packet, version);
            stream.writeBytes(encoded);
            encoded.release();
            if (packet instanceof Publish publish) {
                publish.release();
            }
        }
        byte[] bytes = new byte[stream.readableBytes()];
        stream.readBytes(bytes);
        stream.release();
        return bytes;
    }

    private static byte[] mutate(Random random, byte[] stream) {
        byte[] mutated = stream.clone();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            int at = random.nextInt(mutated.length);
            switch (random.nextInt(3)) {
                case 0 -> mutated[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> mutated[at] = (byte) random.nextInt(256);
                default -> mutated = Arrays.copyOf(mutated, Math.max(1, at)); // truncate
            }
        }
        return mutated;
    }

    /** Splits the stream into 1 to 6 chunks at random positions (chunks may be empty). */
    private static Input split(Random random, byte[] stream) {
        int cuts = random.nextInt(6);
        int[] positions = new int[cuts + 2];
        for (int i = 1; i <= cuts; i++) {
            positions[i] = random.nextInt(stream.length + 1);
        }
        positions[cuts + 1] = stream.length;
        Arrays.sort(positions, 1, cuts + 1);
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i <= cuts; i++) {
            chunks.add(Arrays.copyOfRange(stream, positions[i], positions[i + 1]));
        }
        return new Input(chunks);
    }
}
