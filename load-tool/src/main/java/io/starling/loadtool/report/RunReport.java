package io.starling.loadtool.report;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one run: a value per {@link ReportField} it measured. Built with {@link Builder} while the run
 * progresses, immutable afterwards. A run is {@link #ok()} unless a failure was recorded.
 */
public final class RunReport {
    /** The schema number in every JSON line; raised only if a key changes meaning (never for added keys). */
    public static final int SCHEMA = 1;

    private final Map<ReportField, Object> values;

    private RunReport(Map<ReportField, Object> values) {
        this.values = Collections.unmodifiableMap(new EnumMap<>(values));
    }

    public static Builder builder(String scenario) {
        return new Builder().set(ReportField.TOOL, "starling-bench")
                .set(ReportField.SCHEMA, SCHEMA)
                .set(ReportField.SCENARIO, scenario);
    }

    /** The value of a field, or null when the run did not measure it. */
    public Object get(ReportField field) {
        return values.get(field);
    }

    /** A numeric field as a long (0 when absent): for tests and summaries. */
    public long count(ReportField field) {
        Object value = values.get(field);
        return value instanceof Number number ? number.longValue() : 0;
    }

    /** A numeric field as a double (NaN when absent). */
    public double number(ReportField field) {
        Object value = values.get(field);
        return value instanceof Number number ? number.doubleValue() : Double.NaN;
    }

    public boolean ok() {
        return Boolean.TRUE.equals(values.get(ReportField.OK));
    }

    public String failure() {
        return (String) values.get(ReportField.FAILURE);
    }

    public Map<ReportField, Object> values() {
        return values;
    }

    /** Collects values; the first failure recorded is the one reported. Not thread-safe. */
    public static final class Builder {
        private final Map<ReportField, Object> values = new EnumMap<>(ReportField.class);
        private String failure;

        /**
         * Sets a field: a String, Boolean, Integer, Long or Double. A null, NaN or infinite value leaves the field
         * unmeasured.
         */
        public Builder set(ReportField field, Object value) {
            Objects.requireNonNull(field, "field");
            if (value == null || value instanceof Double d && !Double.isFinite(d)) {
                values.remove(field);
                return this;
            }
            if (!(value instanceof String || value instanceof Boolean || value instanceof Integer
                    || value instanceof Long || value instanceof Double)) {
                throw new IllegalArgumentException(field + ": unsupported value type " + value.getClass());
            }
            values.put(field, value);
            return this;
        }

        /** Sets {@code numerator / denominator}, or nothing when the denominator is not positive. */
        public Builder ratio(ReportField field, double numerator, double denominator) {
            return set(field, denominator > 0 ? numerator / denominator : null);
        }

        public Builder latency(LatencySummary summary) {
            set(ReportField.LATENCY_COUNT, summary.count());
            set(ReportField.LATENCY_P50_US, summary.p50Micros());
            set(ReportField.LATENCY_P99_US, summary.p99Micros());
            set(ReportField.LATENCY_P999_US, summary.p999Micros());
            set(ReportField.LATENCY_MAX_US, summary.maxMicros());
            return set(ReportField.LATENCY_MEAN_US, summary.meanMicros());
        }

        /** Records why the run failed; the first reason wins, later ones are dropped. */
        public Builder fail(String reason) {
            if (failure == null) {
                failure = Objects.requireNonNull(reason, "reason");
            }
            return this;
        }

        public boolean failed() {
            return failure != null;
        }

        public RunReport build() {
            Map<ReportField, Object> copy = new EnumMap<>(values);
            copy.put(ReportField.OK, failure == null);
            if (failure != null) {
                copy.put(ReportField.FAILURE, failure);
            }
            return new RunReport(copy);
        }
    }
}
