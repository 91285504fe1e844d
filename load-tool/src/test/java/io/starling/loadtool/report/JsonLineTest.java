package io.starling.loadtool.report;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonLineTest {

    private static RunReport sample() {
        return RunReport.builder("p2p")
                .set(ReportField.TARGET, "127.0.0.1:1883")
                .set(ReportField.QOS, 1)
                .set(ReportField.PUBLISHED, 123_456L)
                .set(ReportField.THROUGHPUT_PER_S, 98_765.4321)
                .set(ReportField.TOOL_CPU_S, 1.23456)
                .set(ReportField.LATENCY_P50_US, Double.NaN)
                .build();
    }

    @Test
    void everyKeyIsPresentInDeclarationOrder() {
        String json = JsonLine.format(sample());

        List<String> keys = new ArrayList<>();
        Matcher matcher = Pattern.compile("\"([a-z0-9_]+)\":").matcher(json);
        while (matcher.find()) {
            keys.add(matcher.group(1));
        }
        List<String> expected = new ArrayList<>();
        for (ReportField field : ReportField.values()) {
            expected.add(field.key());
        }
        assertThat(keys).containsExactlyElementsOf(expected);
        assertThat(json).startsWith("{\"tool\":\"starling-bench\",\"schema\":1,\"scenario\":\"p2p\",")
                .endsWith("}")
                .doesNotContain("\n");
    }

    @Test
    void valuesAreTypedAndRoundedAndUnmeasuredOnesAreNull() {
        String json = JsonLine.format(sample());

        assertThat(json).contains("\"target\":\"127.0.0.1:1883\"")
                .contains("\"qos\":1,")
                .contains("\"published\":123456,")
                .contains("\"throughput_per_s\":98765.4,")
                .contains("\"tool_cpu_s\":1.235,")
                .contains("\"latency_p50_us\":null,")
                .contains("\"ok\":true,")
                .endsWith("\"failure\":null}");
    }

    @Test
    void failureIsReportedAndEscaped() {
        RunReport report = RunReport.builder("p2p").fail("bench-1-s0: \"quoted\"\\path\nnext\u0001").build();

        String json = JsonLine.format(report);

        assertThat(report.ok()).isFalse();
        assertThat(json).contains("\"ok\":false,")
                .endsWith("\"failure\":\"bench-1-s0: \\\"quoted\\\"\\\\path\\nnext\\u0001\"}");
    }

    @Test
    void firstFailureWins() {
        RunReport report = RunReport.builder("p2p").fail("first").fail("second").build();

        assertThat(report.failure()).isEqualTo("first");
    }

    @Test
    void numbersHaveNoExponentNorTrailingZeros() {
        assertThat(JsonLine.number(1.0e9, 1)).isEqualTo("1000000000");
        assertThat(JsonLine.number(0.0000004, 3)).isEqualTo("0");
        assertThat(JsonLine.number(-0.0001, 3)).isEqualTo("0");
        assertThat(JsonLine.number(2.5, 3)).isEqualTo("2.5");
        assertThat(JsonLine.number(12.3456, -1)).isEqualTo("12");
    }

    @Test
    void unsupportedValueTypeIsRefused() {
        assertThatThrownBy(() -> RunReport.builder("x").set(ReportField.QOS, new Object()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ratioOfNothingIsUnmeasured() {
        RunReport report = RunReport.builder("x")
                .ratio(ReportField.THROUGHPUT_PER_S, 10, 0)
                .ratio(ReportField.PUBLISH_RATE_PER_S, 10, 4)
                .build();

        assertThat(report.get(ReportField.THROUGHPUT_PER_S)).isNull();
        assertThat(report.number(ReportField.PUBLISH_RATE_PER_S)).isEqualTo(2.5);
    }
}
