package io.starling.broker.connection;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The token bucket on a clock the test moves by hand. */
class TokenBucketTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long START = 123_456_789L; // any origin: nanoTime values are relative

    @Test
    void startsFullAndGivesABurstOfItsCapacity() {
        TokenBucket bucket = new TokenBucket(10, 10, START);

        for (int i = 0; i < 10; i++) {
            assertThat(bucket.tryTake(1, START)).as("token %d", i).isTrue();
        }
        assertThat(bucket.tryTake(1, START)).isFalse();
        assertThat(bucket.available(START)).isZero();
    }

    @Test
    void refillsAtItsRateWithoutLosingFractions() {
        TokenBucket bucket = new TokenBucket(3, 3, START);
        bucket.take(3, START);

        // 3 per second: one token every 333,333,333.3 ns; thirds of a nanosecond are not rounded away.
        assertThat(bucket.tryTake(1, START + 333_333_333)).isFalse();
        assertThat(bucket.tryTake(1, START + 333_333_334)).isTrue();
        assertThat(bucket.tryTake(1, START + 666_666_667)).isTrue();
        assertThat(bucket.tryTake(1, START + SECOND)).isTrue();
        assertThat(bucket.tryTake(1, START + SECOND)).isFalse();
    }

    @Test
    void neverHoldsMoreThanItsCapacity() {
        TokenBucket bucket = new TokenBucket(5, 2, START);
        bucket.take(2, START);

        long muchLater = START + 3_600 * SECOND; // an hour idle: the accrual must neither overflow nor exceed
        assertThat(bucket.available(muchLater)).isEqualTo(2);
        assertThat(bucket.isFull(muchLater)).isTrue();
    }

    @Test
    void overdraftIsADebtPaidOffBeforeTokensAccrueAgain() {
        TokenBucket bucket = new TokenBucket(1000, 1000, START);

        bucket.take(3000, START);

        assertThat(bucket.inDebt(START)).isTrue();
        assertThat(bucket.available(START)).isEqualTo(-2000);
        assertThat(bucket.nanosUntil(0, START)).isEqualTo(2 * SECOND);
        assertThat(bucket.inDebt(START + 2 * SECOND - 1)).isTrue();
        assertThat(bucket.inDebt(START + 2 * SECOND)).isFalse();
        assertThat(bucket.tryTake(1, START + 2 * SECOND)).isFalse();
        assertThat(bucket.tryTake(1, START + 2 * SECOND + SECOND / 1000)).isTrue();
    }

    @Test
    void nanosUntilIsTheWaitForThatManyTokens() {
        TokenBucket bucket = new TokenBucket(50, 50, START);
        bucket.take(50, START);

        assertThat(bucket.nanosUntil(1, START)).isEqualTo(SECOND / 50);
        assertThat(bucket.nanosUntil(5, START)).isEqualTo(5 * SECOND / 50);
        assertThat(bucket.nanosUntil(500, START)).as("more than it holds: until full").isEqualTo(SECOND);
        assertThat(bucket.nanosUntil(5, START + SECOND)).isZero();
    }

    @Test
    void aClockThatDoesNotMoveAccruesNothing() {
        TokenBucket bucket = new TokenBucket(1, 1, START);
        bucket.take(1, START);

        assertThat(bucket.tryTake(1, START - SECOND)).isFalse();
        assertThat(bucket.tryTake(1, START)).isFalse();
    }

    @Test
    void rejectsRatesAndCapacitiesItCannotKeep() {
        assertThatThrownBy(() -> new TokenBucket(0, 1, START)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, 0, START)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, TokenBucket.MAXIMUM_CAPACITY + 1, START))
                .isInstanceOf(IllegalArgumentException.class);
        TokenBucket largest = new TokenBucket(Integer.MAX_VALUE, Integer.MAX_VALUE, START);
        largest.take(Integer.MAX_VALUE, START);
        assertThat(largest.available(START + 365L * 24 * 3600 * SECOND)).isEqualTo(Integer.MAX_VALUE);
    }
}
