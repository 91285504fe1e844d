package io.starling.broker.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "500ms, PT0.5S",
            "10s, PT10S",
            "10, PT10S",
            "0, PT0S",
            "5m, PT5M",
            "1h, PT1H",
            "2d, PT48H",
            "'10 s', PT10S",
            "' 7s ', PT7S",
            "4294967295, PT1193046H28M15S"
    })
    void parsesEveryUnitAndPlainSeconds(String text, Duration expected) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "10x", "-5s", "1.5s", "10S", "5 minutes", "1h30m", "ten", "PT10S"})
    void rejectsAnythingElseNamingTheExpectedForm(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid duration '" + text + "'")
                .hasMessageContaining("500ms, 10s, 5m, 1h, 2d");
    }

    @Test
    void rejectsDurationsTooLargeToRepresent() {
        assertThatThrownBy(() -> Durations.parse("999999999999999999d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too large");
    }

    @ParameterizedTest
    @CsvSource({"PT0S, 0s", "PT0.5S, 500ms", "PT1.5S, 1500ms", "PT10S, 10s", "PT5M, 5m", "PT90M, 90m", "PT2H, 2h",
            "PT48H, 2d", "PT61S, 61s"})
    void formatsInTheShortestExactUnitAndParsesBack(Duration duration, String expected) {
        assertThat(Durations.format(duration)).isEqualTo(expected);
        assertThat(Durations.parse(expected)).isEqualTo(duration);
    }
}
