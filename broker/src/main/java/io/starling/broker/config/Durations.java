package io.starling.broker.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them in the configuration file: a whole number followed by a unit
 * ({@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 2d}), or a plain whole number of seconds.
 */
public final class Durations {

    /** What a valid duration looks like, for error messages. */
    public static final String EXPECTED = "a whole number with a unit ms, s, m, h or d (500ms, 10s, 5m, 1h, 2d) "
            + "or a whole number of seconds";

    // At most 18 digits so that the number always fits in a long before the unit is applied.
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,18})\\s*(ms|s|m|h|d)?");

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException when the text is not a duration or is too large to represent
     */
    public static Duration parse(String text) {
        Matcher matcher = FORMAT.matcher(text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("invalid duration '" + text + "': expected " + EXPECTED);
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        try {
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> throw new IllegalStateException("unit not in the pattern: " + unit);
            };
        } catch (ArithmeticException tooLarge) {
            throw new IllegalArgumentException("duration '" + text + "' is too large");
        }
    }

    /** The shortest exact form in the file's syntax: {@code 10s}, {@code 1500ms}, {@code 5m}, {@code 0s}. */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.toNanosPart() % 1_000_000 != 0 || duration.isNegative()) {
            return duration.toString(); // not expressible in the file syntax; ISO-8601 is at least unambiguous
        }
        if (duration.toMillisPart() != 0) {
            return duration.toMillis() + "ms";
        }
        long seconds = duration.toSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3_600 == 0) {
            return seconds / 3_600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }
}
