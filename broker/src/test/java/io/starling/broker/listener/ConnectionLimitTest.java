package io.starling.broker.listener;

import io.netty.channel.embedded.EmbeddedChannel;
import io.starling.broker.metrics.BrokerMetrics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionLimitTest {
    private final BrokerMetrics metrics = new BrokerMetrics();

    @Test
    void connectionsAboveTheLimitAreRefusedAndCountedUntilOneCloses() {
        ConnectionLimit limit = new ConnectionLimit("test", 2, metrics);
        EmbeddedChannel first = new EmbeddedChannel();
        EmbeddedChannel second = new EmbeddedChannel();
        EmbeddedChannel third = new EmbeddedChannel();

        assertThat(limit.admit(first)).isTrue();
        assertThat(limit.admit(second)).isTrue();
        assertThat(limit.admit(third)).isFalse();
        assertThat(metrics.connectionsOverListenerLimit()).isEqualTo(1);
        assertThat(limit.open()).isEqualTo(2);

        first.close();
        assertThat(limit.open()).isEqualTo(1);
        assertThat(limit.admit(third)).isTrue();

        second.close();
        third.close();
        assertThat(limit.open()).isZero();
    }

    @Test
    void zeroMeansNoLimit() {
        ConnectionLimit limit = new ConnectionLimit("test", 0, metrics);

        for (int i = 0; i < 100; i++) {
            assertThat(limit.admit(new EmbeddedChannel())).isTrue();
        }
        assertThat(metrics.connectionsOverListenerLimit()).isZero();
    }
}
