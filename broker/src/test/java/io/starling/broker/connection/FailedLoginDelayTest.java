package io.starling.broker.connection;

import io.starling.broker.config.FailedLoginDelayConfig;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class FailedLoginDelayTest {
    private final AtomicLong nanos = new AtomicLong();
    private final FailedLoginDelay delay = new FailedLoginDelay(new FailedLoginDelayConfig(Duration.ofMillis(100),
            Duration.ofMillis(1000), Duration.ofMinutes(10), 3), nanos::get);

    private static InetSocketAddress address(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    @Test
    void firstFailureIsAnsweredAtOnceThenTheDelayDoublesUpToTheMaximum() {
        long[] delays = new long[7];
        for (int i = 0; i < delays.length; i++) {
            delays[i] = delay.recordFailure(address("192.0.2.1", 40_000 + i));
        }

        assertThat(delays).containsExactly(0, 100, 200, 400, 800, 1000, 1000);
    }

    @Test
    void addressesCountApartAndThePortDoesNotMatter() {
        delay.recordFailure(address("192.0.2.1", 1));
        delay.recordFailure(address("192.0.2.1", 2));

        assertThat(delay.recordFailure(address("192.0.2.2", 3))).isZero();
        assertThat(delay.recordFailure(address("192.0.2.1", 4))).isEqualTo(200);
    }

    @Test
    void ipv6AddressesCountPerSlash64() {
        delay.recordFailure(address("2001:db8:1:2::1", 1));

        assertThat(delay.recordFailure(address("2001:db8:1:2:ffff::9", 1))).as("same /64").isEqualTo(100);
        assertThat(delay.recordFailure(address("2001:db8:1:3::1", 1))).as("another /64").isZero();
    }

    @Test
    void anAddressQuietForTheForgetTimeStartsAfresh() {
        delay.recordFailure(address("192.0.2.1", 1));
        delay.recordFailure(address("192.0.2.1", 1));
        nanos.addAndGet(Duration.ofMinutes(10).plusSeconds(1).toNanos());

        assertThat(delay.recordFailure(address("192.0.2.1", 1))).isZero();
    }

    @Test
    void theRecordIsBoundedAndForgetsTheLeastRecentlyFailingFirst() {
        delay.recordFailure(address("192.0.2.1", 1));
        delay.recordFailure(address("192.0.2.2", 1));
        delay.recordFailure(address("192.0.2.3", 1));
        delay.recordFailure(address("192.0.2.1", 1)); // .1 is now the most recent
        delay.recordFailure(address("192.0.2.4", 1)); // evicts .2

        assertThat(delay.trackedAddresses()).isEqualTo(3);
        assertThat(delay.recordFailure(address("192.0.2.2", 1))).as(".2 was forgotten").isZero();
        assertThat(delay.recordFailure(address("192.0.2.1", 1))).as(".1 was kept").isEqualTo(200);
    }

    @Test
    void offMeansNoDelayAndNoRecord() {
        FailedLoginDelay off = new FailedLoginDelay(FailedLoginDelayConfig.OFF);

        for (int i = 0; i < 5; i++) {
            assertThat(off.recordFailure(address("192.0.2.1", 1))).isZero();
        }
        assertThat(off.trackedAddresses()).isZero();
    }
}
