package io.starling.loadtool.report;

import org.HdrHistogram.Histogram;

/** Percentiles of a histogram of nanoseconds, in microseconds. */
public record LatencySummary(long count, double p50Micros, double p99Micros, double p999Micros, double maxMicros,
                             double meanMicros) {

    /** Latencies from 1 microsecond to 1 hour at 3 significant digits; longer values are clamped to 1 hour. */
    public static Histogram newHistogram() {
        return new Histogram(1_000L, 3_600_000_000_000L, 3);
    }

    /** Records {@code nanos} in a histogram made by {@link #newHistogram()}, clamped into its range. */
    public static void record(Histogram histogram, long nanos) {
        long bounded = Math.max(histogram.getLowestDiscernibleValue(),
                Math.min(nanos, histogram.getHighestTrackableValue()));
        histogram.recordValue(bounded);
    }

    public static LatencySummary of(Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new LatencySummary(histogram.getTotalCount(),
                micros(histogram.getValueAtPercentile(50)),
                micros(histogram.getValueAtPercentile(99)),
                micros(histogram.getValueAtPercentile(99.9)),
                micros(histogram.getMaxValue()),
                histogram.getMean() / 1000.0);
    }

    private static double micros(long nanos) {
        return nanos / 1000.0;
    }
}
