package io.starling.broker.connection;

/**
 * A token bucket: tokens accrue at a steady rate up to a capacity (the largest burst); a taker either finds enough
 * tokens or waits. {@link #take} may also overdraw, leaving a debt that later accruals pay off first - the shape of
 * a byte budget, where the bytes have already been read when they are counted.
 *
 * <p>Amounts are kept in billionths of a token, so that no fraction of an accrual is lost to rounding: at r tokens
 * per second, one nanosecond accrues exactly r billionths. Time is given by the caller ({@link System#nanoTime()}
 * values, or a test's own clock); the bucket never reads a clock and never allocates.
 *
 * <p>Not thread-safe: it belongs to one thread (a channel's event loop) or its owner synchronizes.
 */
public final class TokenBucket {
    /** Billionths per token: at one token per second, one unit accrues per nanosecond. */
    private static final long UNITS_PER_TOKEN = 1_000_000_000L;
    /** The most tokens a bucket may hold, so that amounts in units stay far from overflow. */
    static final long MAXIMUM_CAPACITY = Long.MAX_VALUE / UNITS_PER_TOKEN / 4;
    /** The deepest debt kept: beyond it, further overdrafts are forgiven rather than overflow. */
    private static final long MAXIMUM_DEBT_UNITS = -MAXIMUM_CAPACITY * UNITS_PER_TOKEN;

    private final long tokensPerSecond;
    private final long capacityUnits;
    private long units;
    private long lastNanos;

    /**
     * A full bucket.
     *
     * @param tokensPerSecond how fast tokens accrue, at least 1
     * @param capacity        the most tokens held at once, 1 to {@link #MAXIMUM_CAPACITY}
     * @param nowNanos        the current time on the caller's clock
     */
    public TokenBucket(long tokensPerSecond, long capacity, long nowNanos) {
        if (tokensPerSecond < 1 || tokensPerSecond > MAXIMUM_CAPACITY) {
            throw new IllegalArgumentException("rate must be 1.." + MAXIMUM_CAPACITY + " tokens per second: "
                    + tokensPerSecond);
        }
        if (capacity < 1 || capacity > MAXIMUM_CAPACITY) {
            throw new IllegalArgumentException("capacity must be 1.." + MAXIMUM_CAPACITY + ": " + capacity);
        }
        this.tokensPerSecond = tokensPerSecond;
        this.capacityUnits = capacity * UNITS_PER_TOKEN;
        this.units = capacityUnits;
        this.lastNanos = nowNanos;
    }

    /** Takes {@code tokens} if the bucket holds that many now, and says whether it did. */
    public boolean tryTake(long tokens, long nowNanos) {
        refill(nowNanos);
        long wanted = toUnits(tokens);
        if (units < wanted) {
            return false;
        }
        units -= wanted;
        return true;
    }

    /** Takes {@code tokens} whatever the bucket holds, overdrawing it if need be. */
    public void take(long tokens, long nowNanos) {
        refill(nowNanos);
        units = Math.max(MAXIMUM_DEBT_UNITS, units - toUnits(tokens));
    }

    /** Whether the bucket is overdrawn (some of what was taken is not paid off yet). */
    public boolean inDebt(long nowNanos) {
        refill(nowNanos);
        return units < 0;
    }

    /** Whether the bucket is full: it has been left alone long enough to forget everything taken from it. */
    public boolean isFull(long nowNanos) {
        refill(nowNanos);
        return units == capacityUnits;
    }

    /** Whole tokens held now (negative while in debt). */
    public long available(long nowNanos) {
        refill(nowNanos);
        return Math.floorDiv(units, UNITS_PER_TOKEN);
    }

    /**
     * How long until the bucket holds {@code tokens} (0 pays off the debt), in nanoseconds; 0 when it already does.
     * Asking for more than the capacity is answered with the time to fill it.
     */
    public long nanosUntil(long tokens, long nowNanos) {
        refill(nowNanos);
        long missing = Math.min(toUnits(tokens), capacityUnits) - units;
        if (missing <= 0) {
            return 0;
        }
        return (missing + tokensPerSecond - 1) / tokensPerSecond;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed <= 0) {
            return;
        }
        lastNanos = nowNanos;
        long missing = capacityUnits - units;
        if (missing <= 0) {
            return;
        }
        // elapsed x rate could overflow only for a wait longer than the one that fills the bucket anyway.
        if (elapsed > missing / tokensPerSecond) {
            units = capacityUnits;
        } else {
            units = Math.min(capacityUnits, units + elapsed * tokensPerSecond);
        }
    }

    private static long toUnits(long tokens) {
        if (tokens < 0 || tokens > MAXIMUM_CAPACITY) {
            throw new IllegalArgumentException("tokens must be 0.." + MAXIMUM_CAPACITY + ": " + tokens);
        }
        return tokens * UNITS_PER_TOKEN;
    }
}
