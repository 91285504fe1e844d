package io.starling.broker.config;

import java.time.Duration;

/**
 * Slows down credential guessing: when CONNECTs from one address keep failing authentication, each refusal waits
 * longer before it is sent (the connection stays open meanwhile, nothing else is read from it). A client that
 * authenticates is never delayed.
 *
 * @param initial          the wait before the second refusal in a row from one address (the first is sent at
 *                         once); it doubles with each further failure. 0 s turns the delay off. Default 1 s.
 * @param maximum          the longest wait. Default 20 s.
 * @param forgetAfter      an address without a failure for this long starts afresh. Default 10 min.
 * @param trackedAddresses the most addresses remembered (the least recently failing are forgotten first). IPv6
 *                         addresses count per /64 network. Default 10,000.
 */
public record FailedLoginDelayConfig(Duration initial, Duration maximum, Duration forgetAfter, int trackedAddresses) {
    public static final FailedLoginDelayConfig DEFAULT = new FailedLoginDelayConfig(Duration.ofSeconds(1),
            Duration.ofSeconds(20), Duration.ofMinutes(10), 10_000);

    /** No delay at all. */
    public static final FailedLoginDelayConfig OFF = new FailedLoginDelayConfig(Duration.ZERO, Duration.ZERO,
            Duration.ofMinutes(10), 10_000);

    public FailedLoginDelayConfig {
        initial = SecurityValues.notNegative(initial, "security.failed-login-delay.initial");
        maximum = SecurityValues.notNegative(maximum, "security.failed-login-delay.maximum");
        forgetAfter = SecurityValues.positive(forgetAfter, "security.failed-login-delay.forget-after");
        if (maximum.compareTo(initial) < 0) {
            throw new IllegalArgumentException("security.failed-login-delay.maximum must be at least initial: "
                    + maximum + " < " + initial);
        }
        if (trackedAddresses < 1) {
            throw new IllegalArgumentException("security.failed-login-delay.tracked-addresses must be at least 1: "
                    + trackedAddresses);
        }
    }

    /** Whether refusals are delayed at all. */
    public boolean enabled() {
        return !initial.isZero();
    }
}
