package io.starling.broker.connection;

import io.starling.broker.config.ConnectionConfig;
import io.starling.codec.SharedFilter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TopicLimitsTest {

    @Test
    void lengthIsCountedInUtf8Bytes() {
        TopicLimits limits = new TopicLimits(6, 0);

        assertThat(limits.nameProblem("abcdef")).isNull();
        assertThat(limits.nameProblem("abcdefg")).contains("longer than 6 bytes");
        assertThat(limits.nameProblem("äöü")).as("three characters, six bytes").isNull();
        assertThat(limits.nameProblem("äöüx")).isNotNull();
        assertThat(limits.nameProblem("€€")).as("3 bytes each").isNull();
        assertThat(limits.nameProblem("a\uD83D\uDE00b")).as("a surrogate pair is 4 bytes").isNull();
        assertThat(limits.nameProblem("ab\uD83D\uDE00b")).isNotNull();
    }

    @Test
    void utf8LengthAgreesWithTheJdkEncoder() {
        for (String text : new String[] {"", "plain/ascii", "ä/ö/ü", "€uro", "\uD83D\uDE00/x", "日本語/トピック"}) {
            assertThat(TopicLimits.utf8Length(text, Integer.MAX_VALUE)).as(text)
                    .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void levelsAreThePartsBetweenSeparatorsEmptyOnesIncluded() {
        TopicLimits limits = new TopicLimits(65_535, 3);

        assertThat(limits.nameProblem("a/b/c")).isNull();
        assertThat(limits.nameProblem("a/b/c/d")).contains("more than 3 levels");
        assertThat(limits.nameProblem("/a/b")).isNull();
        assertThat(limits.nameProblem("/a/b/")).as("four levels, two of them empty").isNotNull();
        assertThat(limits.nameProblem("a//b")).isNull();
        assertThat(limits.nameProblem("a///b")).isNotNull();
    }

    @Test
    void sharedFiltersCountTheLevelsOfTheirFilterAndTheLengthOfTheWhole() {
        TopicLimits levels = new TopicLimits(65_535, 2);
        String shared = "$share/group/a/b";
        assertThat(levels.filterProblem(shared, SharedFilter.parse(shared))).isNull();
        assertThat(levels.filterProblem("a/b/c", null)).isNotNull();

        TopicLimits length = new TopicLimits(10, 0);
        assertThat(length.filterProblem(shared, SharedFilter.parse(shared))).as("16 bytes as sent").isNotNull();
    }

    @Test
    void defaultsAcceptAnyLengthAndTwoHundredLevels() {
        TopicLimits defaults = TopicLimits.of(ConnectionConfig.DEFAULT);

        assertThat(defaults.nameProblem("x".repeat(65_535))).isNull();
        assertThat(defaults.nameProblem("l/".repeat(199) + "l")).as("200 levels").isNull();
        assertThat(defaults.nameProblem("l/".repeat(200) + "l")).as("201 levels").isNotNull();
        assertThat(new TopicLimits(65_535, 0).nameProblem("/".repeat(60_000))).isNull();
    }
}
