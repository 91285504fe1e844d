package io.starling.loadtool.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.starling.codec.MqttPacketDecoder;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.Publish;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every patched message must decode, with our own decoder, to the PUBLISH it stands for. */
class PublishTemplateTest {

    static Stream<Arguments> variants() {
        List<Arguments> variants = new ArrayList<>();
        for (MqttVersion version : List.of(MqttVersion.MQTT_3_1_1, MqttVersion.MQTT_5)) {
            for (QoS qos : QoS.values()) {
                // 16: the smallest; 600: above the encoder's copy threshold, so it encodes a composite buffer.
                for (int payload : new int[]{16, 256, 600}) {
                    variants.add(Arguments.of(version, qos, payload));
                }
            }
        }
        return variants.stream();
    }

    private static Publish decode(ByteBuf encoded, MqttVersion version) {
        MqttPacketDecoder decoder = new MqttPacketDecoder(MqttPacketDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE, version);
        MqttPacket packet = decoder.decode(encoded);
        assertThat(encoded.isReadable()).as("one whole packet, nothing left").isFalse();
        assertThat(packet).isInstanceOf(Publish.class);
        return (Publish) packet;
    }

    @ParameterizedTest(name = "MQTT {0}, {1}, {2}-byte payload")
    @MethodSource("variants")
    void renderedMessageDecodesWithItsPacketIdAndStamp(MqttVersion version, QoS qos, int payloadSize) {
        String topic = "bench/run/p2p/17";
        PublishTemplate template = PublishTemplate.of(version, topic, qos, false, payloadSize);

        for (int packetId : new int[]{1, 0x1234, 65535}) {
            ByteBuf encoded = template.render(PooledByteBufAllocator.DEFAULT, packetId, 3, 123_456 + packetId,
                    987_654_321_012L);
            try {
                assertThat(encoded.readableBytes()).isEqualTo(template.size());
                Publish publish = decode(encoded, version);
                try {
                    assertThat(publish.topic()).isEqualTo(topic);
                    assertThat(publish.qos()).isEqualTo(qos);
                    assertThat(publish.retainFlag()).isFalse();
                    assertThat(publish.dup()).isFalse();
                    assertThat(publish.packetId()).isEqualTo(qos == QoS.AT_MOST_ONCE ? 0 : packetId);
                    assertThat(publish.payload().readableBytes()).isEqualTo(payloadSize);
                    assertThat(PayloadStamp.publisher(publish.payload())).isEqualTo(3);
                    assertThat(PayloadStamp.sequence(publish.payload())).isEqualTo(123_456 + packetId);
                    assertThat(PayloadStamp.sentNanos(publish.payload())).isEqualTo(987_654_321_012L);
                } finally {
                    publish.release();
                }
            } finally {
                encoded.release();
            }
        }
    }

    @ParameterizedTest(name = "MQTT {0}, {1}, {2}-byte payload")
    @MethodSource("variants")
    void topicPerMessageEncodesTopicRetainAndStamp(MqttVersion version, QoS qos, int payloadSize) {
        TopicPerMessage source = new TopicPerMessage(version, "bench/r/retained/", qos, true, payloadSize);

        ByteBuf encoded = source.render(PooledByteBufAllocator.DEFAULT, 42, 0, 99, 5L);
        try {
            Publish publish = decode(encoded, version);
            try {
                assertThat(publish.topic()).isEqualTo("bench/r/retained/99");
                assertThat(publish.retainFlag()).isTrue();
                assertThat(publish.packetId()).isEqualTo(qos == QoS.AT_MOST_ONCE ? 0 : 42);
                assertThat(PayloadStamp.sequence(publish.payload())).isEqualTo(99);
            } finally {
                publish.release();
            }
        } finally {
            encoded.release();
        }
    }

    @ParameterizedTest(name = "MQTT {0}, {1}")
    @MethodSource("variants")
    void emptyRetainedMessageClearsWithoutStamp(MqttVersion version, QoS qos, int ignored) {
        TopicPerMessage empty = new TopicPerMessage(version, "bench/r/retained/", qos, true, 0);

        ByteBuf encoded = empty.render(PooledByteBufAllocator.DEFAULT, 7, 0, 3, 5L);
        try {
            Publish publish = decode(encoded, version);
            try {
                assertThat(publish.topic()).isEqualTo("bench/r/retained/3");
                assertThat(publish.payload().isReadable()).isFalse();
            } finally {
                publish.release();
            }
        } finally {
            encoded.release();
        }
    }

    @ParameterizedTest(name = "MQTT {0}, {1}")
    @MethodSource("variants")
    void retainedTemplateKeepsTheRetainFlagAndLongTopics(MqttVersion version, QoS qos, int payloadSize) {
        // A topic long enough for a two-byte remaining length with any payload.
        String topic = "bench/" + "x".repeat(200);
        PublishTemplate template = PublishTemplate.of(version, topic, qos, true, payloadSize);

        ByteBuf encoded = template.render(PooledByteBufAllocator.DEFAULT, 9, 1, 2, 3L);
        try {
            Publish publish = decode(encoded, version);
            try {
                assertThat(publish.topic()).isEqualTo(topic);
                assertThat(publish.retainFlag()).isTrue();
                assertThat(PayloadStamp.sequence(publish.payload())).isEqualTo(2);
            } finally {
                publish.release();
            }
        } finally {
            encoded.release();
        }
    }
}
