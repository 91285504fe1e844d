package io.starling.broker.config;

import java.time.Duration;

/**
 * Value checks shared by the security configuration records. A class of its own, not static methods of
 * {@link SecurityConfig}: the nested records must not initialise {@code SecurityConfig} (whose {@code DEFAULT} needs
 * theirs) while their own {@code DEFAULT} is being built.
 */
final class SecurityValues {
    private SecurityValues() {
    }

    static String text(String value) {
        return value == null ? "" : value.strip();
    }

    static Duration positive(Duration duration, String key) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration: " + duration);
        }
        return duration;
    }

    static Duration notNegative(Duration duration, String key) {
        if (duration == null || duration.isNegative()) {
            throw new IllegalArgumentException(key + " must be zero or a positive duration: " + duration);
        }
        return duration;
    }
}
