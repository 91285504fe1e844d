package io.starling.benchmarks.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.starling.codec.MqttPacketDecoder;
import io.starling.codec.MqttPacketEncoder;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.Publish;
import io.starling.codec.property.MqttProperties;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Decode and encode of one QoS 1 PUBLISH, for MQTT 3.1.1 and 5.0 (the latter with a few properties), with a 16-byte
 * and a 256-byte payload. Decode reads a pre-encoded packet from a buffer whose reader index is reset each time and
 * releases the decoded payload slice; encode writes into a pooled buffer that is released each time, so neither
 * measurement grows memory or leaks.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Thread)
public class PublishCodecBenchmark {

    @Param({"MQTT_3_1_1", "MQTT_5"})
    public String version;

    @Param({"16", "256"})
    public int payloadSize;

    private MqttVersion mqttVersion;
    private MqttPacketDecoder decoder;
    private ByteBufAllocator allocator;
    private ByteBuf encoded;
    private Publish publish;

    @Setup(Level.Trial)
    public void setUp() {
        mqttVersion = MqttVersion.valueOf(version);
        byte[] payload = new byte[payloadSize];
        new Random(42).nextBytes(payload);
        MqttProperties properties = mqttVersion.isV5()
                ? MqttProperties.builder()
                        .messageExpiryInterval(3600L)
                        .contentType("application/octet-stream")
                        .addUserProperty("source", "line-7")
                        .build()
                : MqttProperties.EMPTY;
        // An unpooled heap payload: the message under test, not part of the measured allocation.
        publish = new Publish("site/12/line/3/machine/42/temperature", QoS.AT_LEAST_ONCE, false, false, 4711,
                properties, Unpooled.wrappedBuffer(payload));
        allocator = PooledByteBufAllocator.DEFAULT;
        ByteBuf wire = MqttPacketEncoder.encode(UnpooledByteBufAllocator.DEFAULT, publish, mqttVersion);
        try {
            // One contiguous buffer (encode may return a composite for large payloads), as a socket read gives.
            encoded = Unpooled.directBuffer(wire.readableBytes());
            encoded.writeBytes(wire);
        } finally {
            wire.release();
        }
        decoder = new MqttPacketDecoder(MqttPacketDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE, mqttVersion);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encoded.release();
        publish.release();
    }

    /** Returns the topic so the JIT cannot drop the decode; the payload slice is released before returning. */
    @Benchmark
    public String decode() {
        encoded.readerIndex(0);
        MqttPacket packet = decoder.decode(encoded);
        Publish decoded = (Publish) packet;
        try {
            return decoded.topic();
        } finally {
            decoded.release();
        }
    }

    /** Returns the encoded size; the pooled buffer goes back to the pool before returning. */
    @Benchmark
    public int encode() {
        ByteBuf out = MqttPacketEncoder.encode(allocator, publish, mqttVersion);
        try {
            return out.readableBytes();
        } finally {
            out.release();
        }
    }
}
