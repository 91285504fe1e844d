package io.starling.broker.connection;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.starling.broker.config.ConnectionConfig;
import io.starling.broker.listener.PipelineNames;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.codec.QoS;
import io.starling.codec.packet.PingReq;
import io.starling.codec.packet.Publish;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbound limiter on an embedded channel whose time stands still until the test moves it (the limiter's clock
 * and the channel's scheduler together): nothing here sleeps.
 */
class InboundRateLimiterTest {
    private static final long MILLISECOND = TimeUnit.MILLISECONDS.toNanos(1);

    private final BrokerMetrics metrics = new BrokerMetrics();
    private final List<Object> passed = new ArrayList<>();
    private final List<Object> events = new ArrayList<>();
    private long now = 1_000_000_000L;
    private int readRequests;
    private EmbeddedChannel channel;
    private InboundRateLimiter limiter;

    @AfterEach
    void releaseEverything() {
        passed.forEach(ReferenceCountUtil::release);
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    /** [read counter] [byte meter] [limiter] [collector]: the pipeline order of a connection, reduced. */
    private void start(long publishesPerSecond, long bytesPerSecond) {
        limiter = new InboundRateLimiter(publishesPerSecond, bytesPerSecond, "client-1",
                new InetSocketAddress("192.0.2.1", 40000), metrics, () -> now);
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                readRequests++;
                ctx.read();
            }
        });
        channel.pipeline().addLast(limiter.byteMeter());
        channel.pipeline().addLast(limiter);
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
                passed.add(message);
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                events.add(event);
            }
        });
    }

    private void advanceMillis(long millis) {
        now += millis * MILLISECOND;
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
    }

    private static Publish publish(int number) {
        return new Publish("t/" + number, QoS.AT_MOST_ONCE, false, false, 0, MqttProperties.EMPTY,
                Unpooled.copiedBuffer("m" + number, StandardCharsets.UTF_8));
    }

    private void sendPublishes(int count) {
        for (int i = 0; i < count; i++) {
            channel.pipeline().fireChannelRead(publish(passed.size() + limiter.held() + 1));
        }
    }

    private List<String> passedTopics() {
        return passed.stream().map(m -> m instanceof Publish p ? p.topic() : m.getClass().getSimpleName()).toList();
    }

    @Test
    void publishesWithinTheBurstPassAtOnce() {
        start(10, 0);

        sendPublishes(10);

        assertThat(passed).hasSize(10);
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(metrics.publishRateThrottles()).isZero();
    }

    @Test
    void publishesOverTheBudgetWaitInOrderAndReadingPausesUntilTheyHavePassed() {
        start(10, 0);

        sendPublishes(15);
        channel.pipeline().fireChannelRead(PingReq.INSTANCE); // behind the waiting PUBLISHes, not before them

        assertThat(passed).hasSize(10);
        assertThat(limiter.held()).isEqualTo(6);
        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(metrics.publishRateThrottles()).isEqualTo(1);

        advanceMillis(99);
        assertThat(passed).as("a token takes 100 ms at 10/s").hasSize(10);
        advanceMillis(1);
        assertThat(passed).hasSize(11);
        advanceMillis(400);
        assertThat(passedTopics()).containsExactly("t/1", "t/2", "t/3", "t/4", "t/5", "t/6", "t/7", "t/8", "t/9",
                "t/10", "t/11", "t/12", "t/13", "t/14", "t/15", "PingReq");
        assertThat(channel.config().isAutoRead()).as("reading resumes once nothing waits").isTrue();
        assertThat(metrics.publishRateThrottles()).as("one pause").isEqualTo(1);
    }

    @Test
    void sustainedRateIsTheConfiguredOne() {
        start(50, 0);

        sendPublishes(150); // as if one read had brought them all

        assertThat(passed).hasSize(50);
        for (int i = 1; i <= 20; i++) {
            advanceMillis(100);
            assertThat(passed).as("after %d ms", i * 100).hasSizeLessThanOrEqualTo(50 + 5 * i);
        }
        assertThat(passed).hasSize(150);
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void otherPacketsPassFreelyWhileNothingWaits() {
        start(1, 0);
        sendPublishes(1);

        for (int i = 0; i < 100; i++) {
            channel.pipeline().fireChannelRead(PingReq.INSTANCE);
        }

        assertThat(passed).hasSize(101);
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void bytesOverTheBudgetPauseReadingUntilTheDebtIsPaid() {
        start(0, 1000);

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[3000]));

        assertThat(passed).as("bytes already read go on").hasSize(1);
        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(metrics.bandwidthThrottles()).isEqualTo(1);
        advanceMillis(1999);
        assertThat(channel.config().isAutoRead()).isFalse();
        advanceMillis(1);
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(metrics.bandwidthThrottles()).isEqualTo(1);
    }

    @Test
    void bytesWithinTheBudgetDoNotPause() {
        start(0, 1000);

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[600]));
        advanceMillis(500);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[900]));

        assertThat(passed).hasSize(2);
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(metrics.bandwidthThrottles()).isZero();
    }

    @Test
    void readRequestsOfTheDecoderAreHeldBackWhilePaused() {
        start(0, 1000);
        channel.read();
        int before = readRequests;

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[2000]));
        channel.read(); // what a decoder holding half a packet does after a read

        assertThat(readRequests).isEqualTo(before);
        advanceMillis(1000);
        assertThat(readRequests).as("auto-read back on reads again").isGreaterThan(before);
    }

    @Test
    void keepAliveTimeoutIsHeldBackOnlyWhileReadingIsPaused_MQTT_3_1_2_24() {
        start(1, 0);
        sendPublishes(2);
        assertThat(channel.config().isAutoRead()).isFalse();

        channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        assertThat(events).as("the client did send: the broker is not reading").isEmpty();

        advanceMillis(1000);
        assertThat(channel.config().isAutoRead()).isTrue();
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        assertThat(events).containsExactly(IdleStateEvent.READER_IDLE_STATE_EVENT);
    }

    @Test
    void waitingPacketsAreReleasedWhenTheConnectionCloses() {
        start(1, 0);
        sendPublishes(1);
        Publish waiting = publish(2);
        channel.pipeline().fireChannelRead(waiting);
        assertThat(limiter.held()).isEqualTo(1);

        channel.close();

        assertThat(limiter.held()).isZero();
        assertThat(waiting.refCnt()).isZero();
        advanceMillis(5000);
        assertThat(passed).hasSize(1);
    }

    @Test
    void installAddsNothingWithoutLimits() {
        EmbeddedChannel plain = new EmbeddedChannel();
        try {
            boolean installed = InboundRateLimiter.install(plain.pipeline(), ConnectionConfig.DEFAULT, "c", null,
                    metrics);
            assertThat(installed).isFalse();
            assertThat(plain.pipeline().names()).doesNotContain(PipelineNames.INBOUND_BYTES,
                    PipelineNames.INBOUND_RATE_LIMIT);
        } finally {
            plain.finishAndReleaseAll();
        }
    }

    @Test
    void installPutsTheMeterBeforeTheDecoderAndTheLimiterAfterTheKeepAlive() {
        EmbeddedChannel connection = new EmbeddedChannel();
        try {
            connection.pipeline().addLast(PipelineNames.FRAME_DECODER, new ChannelInboundHandlerAdapter());
            connection.pipeline().addLast(PipelineNames.KEEP_ALIVE, new ChannelInboundHandlerAdapter());
            connection.pipeline().addLast(PipelineNames.CONNECT_HANDLER, new ChannelInboundHandlerAdapter());

            boolean installed = InboundRateLimiter.install(connection.pipeline(),
                    ConnectionConfig.DEFAULT.withRateLimits(10, 0), "c", null, metrics);

            assertThat(installed).isTrue();
            assertThat(connection.pipeline().names()).containsSubsequence(PipelineNames.INBOUND_BYTES,
                    PipelineNames.FRAME_DECODER, PipelineNames.KEEP_ALIVE, PipelineNames.INBOUND_RATE_LIMIT,
                    PipelineNames.CONNECT_HANDLER);
        } finally {
            connection.finishAndReleaseAll();
        }
    }

    @Test
    void eachPauseIsCountedOnce() {
        start(2, 0);

        sendPublishes(3);
        advanceMillis(500);
        assertThat(channel.config().isAutoRead()).isTrue();
        advanceMillis(1000);
        sendPublishes(3);

        assertThat(metrics.publishRateThrottles()).isEqualTo(2);
    }
}
