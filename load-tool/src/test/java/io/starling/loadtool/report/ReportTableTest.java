package io.starling.loadtool.report;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTableTest {

    @Test
    void rowsAreGroupedLabelledAlignedAndOnlyForMeasuredValues() {
        RunReport report = RunReport.builder("fan-out")
                .set(ReportField.QOS, 2)
                .set(ReportField.RECEIVED, 1_234_567L)
                .set(ReportField.THROUGHPUT_PER_S, 45_678.91)
                .set(ReportField.LOST, 0L)
                .build();

        String table = ReportTable.format(report);

        assertThat(table).isEqualTo(String.join("\n",
                "run",
                "  scenario                                     fan-out",
                "  QoS                                          2",
                "traffic",
                "  deliveries received (whole run)              1,234,567",
                "  throughput (deliveries/s received)           45,678.9",
                "check",
                "  lost (not received by the end of the drain)  0",
                "result",
                "  result                                       ok",
                ""));
    }

    @Test
    void failedRunShowsWhy() {
        String table = ReportTable.format(RunReport.builder("p2p").fail("connection refused").build());

        assertThat(table).contains("  result    FAILED\n").contains("  failure   connection refused\n");
    }

    @Test
    void thousandsSeparators() {
        assertThat(ReportTable.grouped("0")).isEqualTo("0");
        assertThat(ReportTable.grouped("999")).isEqualTo("999");
        assertThat(ReportTable.grouped("1000")).isEqualTo("1,000");
        assertThat(ReportTable.grouped("-1234567.25")).isEqualTo("-1,234,567.25");
    }

    @Test
    void latencySummaryIsInMicrosecondsAndGoesIntoTheReport() {
        Histogram histogram = LatencySummary.newHistogram();
        for (int i = 1; i <= 1000; i++) {
            LatencySummary.record(histogram, i * 1_000L); // 1..1000 us
        }
        LatencySummary.record(histogram, Long.MAX_VALUE); // clamped, not thrown

        LatencySummary summary = LatencySummary.of(histogram);
        RunReport report = RunReport.builder("latency").latency(summary).build();

        assertThat(summary.count()).isEqualTo(1001);
        assertThat(summary.p50Micros()).isBetween(499.0, 502.0);
        assertThat(summary.p99Micros()).isBetween(989.0, 992.0);
        assertThat(summary.maxMicros()).isGreaterThan(3_000_000_000.0);
        assertThat(report.number(ReportField.LATENCY_P50_US)).isEqualTo(summary.p50Micros());
        assertThat(LatencySummary.of(LatencySummary.newHistogram()).count()).isZero();
    }
}
