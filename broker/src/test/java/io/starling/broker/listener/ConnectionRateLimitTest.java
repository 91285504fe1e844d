package io.starling.broker.listener;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.starling.broker.metrics.BrokerMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-address connection rate of a listener, on a clock the test moves by hand. */
class ConnectionRateLimitTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final BrokerMetrics metrics = new BrokerMetrics();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private long now = 42 * SECOND;

    @AfterEach
    void closeChannels() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private ConnectionRateLimit limit(int perSecond, int trackedAddresses) {
        return new ConnectionRateLimit("test", perSecond, metrics, () -> now, trackedAddresses);
    }

    /** A channel whose client address is {@code host} (as a PROXY header would give it). */
    private EmbeddedChannel from(String host) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.attr(ListenerAttributes.PROXIED_CLIENT_ADDRESS).set(new InetSocketAddress(host, 40000));
        channels.add(channel);
        return channel;
    }

    @Test
    void anAddressGetsABurstThenItsRate() {
        ConnectionRateLimit limit = limit(3, 100);

        assertThat(limit.admit(from("192.0.2.1"))).isTrue();
        assertThat(limit.admit(from("192.0.2.1"))).isTrue();
        assertThat(limit.admit(from("192.0.2.1"))).isTrue();
        assertThat(limit.admit(from("192.0.2.1"))).isFalse();
        assertThat(metrics.connectionsOverRateLimit()).isEqualTo(1);

        now += SECOND / 3 + 1; // 333,333,333.3 ns: one token at 3 per second
        assertThat(limit.admit(from("192.0.2.1"))).as("one more a third of a second later").isTrue();
        assertThat(limit.admit(from("192.0.2.1"))).isFalse();
        assertThat(metrics.connectionsOverRateLimit()).isEqualTo(2);
    }

    @Test
    void addressesCountApart() {
        ConnectionRateLimit limit = limit(1, 100);

        assertThat(limit.admit(from("192.0.2.1"))).isTrue();
        assertThat(limit.admit(from("192.0.2.2"))).isTrue();
        assertThat(limit.admit(from("192.0.2.1"))).isFalse();
        assertThat(limit.admit(from("192.0.2.2"))).isFalse();
    }

    @Test
    void ipv6AddressesCountPerSlash64() {
        ConnectionRateLimit limit = limit(1, 100);

        assertThat(limit.admit(from("2001:db8:1:2::1"))).isTrue();
        assertThat(limit.admit(from("2001:db8:1:2:ffff::9"))).as("same /64").isFalse();
        assertThat(limit.admit(from("2001:db8:1:3::1"))).as("next /64").isTrue();
    }

    @Test
    void theSocketAddressCountsWhenNoProxyHeaderGaveOne() {
        ConnectionRateLimit limit = limit(1, 100);
        EmbeddedChannel first = new EmbeddedChannel();
        EmbeddedChannel second = new EmbeddedChannel();
        channels.add(first);
        channels.add(second);

        assertThat(limit.admit(first)).isTrue();
        assertThat(limit.admit(second)).as("both from the embedded channel's one address").isFalse();
    }

    @Test
    void idleAddressesAreForgotten() {
        ConnectionRateLimit limit = limit(2, 100);
        limit.admit(from("192.0.2.1"));
        limit.admit(from("192.0.2.2"));
        assertThat(limit.trackedAddresses()).isEqualTo(2);

        now += SECOND; // both buckets full again
        limit.admit(from("192.0.2.3"));

        assertThat(limit.trackedAddresses()).isEqualTo(1);
    }

    @Test
    void busyAddressesAreNotForgottenWhileTheyAreOverTheLimit() {
        ConnectionRateLimit limit = limit(1, 100);
        limit.admit(from("192.0.2.1"));

        now += SECOND / 2;
        limit.admit(from("192.0.2.2"));

        assertThat(limit.trackedAddresses()).isEqualTo(2);
        assertThat(limit.admit(from("192.0.2.1"))).isFalse();
    }

    @Test
    void theNumberOfAddressesRememberedIsBounded() {
        ConnectionRateLimit limit = limit(1, 3);

        for (int i = 1; i <= 50; i++) {
            assertThat(limit.admit(from("198.51.100." + i))).isTrue();
        }

        assertThat(limit.trackedAddresses()).isEqualTo(3);
    }

    @Test
    void zeroMeansNoLimit() {
        ConnectionRateLimit limit = limit(0, 100);

        for (int i = 0; i < 100; i++) {
            assertThat(limit.admit(from("192.0.2.1"))).isTrue();
        }
        assertThat(limit.enabled()).isFalse();
        assertThat(limit.trackedAddresses()).isZero();
        assertThat(metrics.connectionsOverRateLimit()).isZero();
    }

    @Test
    void checkAfterTheProxyHeaderPassesTheBytesOnAndRemovesItself() {
        ConnectionRateLimit limit = limit(1, 100);
        EmbeddedChannel channel = from("203.0.113.7");
        channel.pipeline().addLast(PipelineNames.CONNECTION_RATE, limit.newCheck());

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x10, 0x00}));

        ByteBuf passedOn = channel.readInbound();
        assertThat(passedOn.readableBytes()).isEqualTo(2);
        passedOn.release();
        assertThat(channel.pipeline().names()).doesNotContain(PipelineNames.CONNECTION_RATE);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void checkAfterTheProxyHeaderClosesAConnectionOverTheLimit() {
        ConnectionRateLimit limit = limit(1, 100);
        limit.admit(from("203.0.113.7"));
        EmbeddedChannel channel = from("203.0.113.7");
        channel.pipeline().addLast(PipelineNames.CONNECTION_RATE, limit.newCheck());
        ByteBuf bytes = Unpooled.wrappedBuffer(new byte[] {0x10, 0x00});

        channel.writeInbound(bytes);

        assertThat(bytes.refCnt()).isZero();
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.isOpen()).isFalse();
        assertThat(metrics.connectionsOverRateLimit()).isEqualTo(1);
    }
}
