package io.starling.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class TopicsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "/", "a/b", "/a/", "$SYS/x", " ", "a//b", "caf\u00e9", "\uD834\uDD1E", "$share/g/t"})
    void validTopicNames(String name) {
        assertThat(Topics.isValidTopicName(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "+", "#", "a/+", "a/#", "a+b", "a\u0000b", "\uD834", "x\uDD1E"})
    void invalidTopicNames_MQTT_4_7_0_1_and_MQTT_4_7_3_1(String name) {
        assertThat(Topics.isValidTopicName(name)).isFalse();
    }

    @Test
    void topicNameLengthLimitCountsUtf8Bytes_MQTT_1_5_4() {
        assertThat(Topics.isValidTopicName("a".repeat(65_535))).isTrue();
        assertThat(Topics.isValidTopicName("a".repeat(65_536))).isFalse();
        assertThat(Topics.isValidTopicName("\u00e9".repeat(32_767) + "a")).isTrue(); // 65,535 bytes
        assertThat(Topics.isValidTopicName("\u00e9".repeat(32_768))).isFalse(); // 65,536 bytes
        assertThat(Topics.isValidTopicFilter("\u20ac".repeat(21_846))).isFalse(); // 65,538 bytes
    }

    @ParameterizedTest
    @ValueSource(strings = {"#", "+", "a/#", "a/+", "+/+", "/+", "+/", "a/+/b", "sport/tennis/#", "$SYS/#", "a//b",
            "$share/g/a/#", "$share/g/+", "$share/group/#", "$share", "$sharex/a"})
    void validTopicFilters_MQTT_4_7_1(String filter) {
        assertThat(Topics.isValidTopicFilter(filter)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/#/b", "a#", "#a", "a/b#", "sport+", "a/+b", "++", "##", "a\u0000",
            "$share/", "$share//a", "$share/g", "$share/g/", "$share/g+/a", "$share/g#/a", "$share/g/a/#/b"})
    void invalidTopicFilters_MQTT_4_7_1_1_MQTT_4_7_1_2_MQTT_4_8_2_1_MQTT_4_8_2_2(String filter) {
        assertThat(Topics.isValidTopicFilter(filter)).isFalse();
    }

    @Test
    void wildcardDetection() {
        assertThat(Topics.hasWildcard("a/+")).isTrue();
        assertThat(Topics.hasWildcard("#")).isTrue();
        assertThat(Topics.hasWildcard("a/b")).isFalse();
        assertThat(Topics.hasWildcard("$share/g/a/b")).isFalse();
        assertThat(Topics.hasWildcard("$share/g/a/#")).isTrue();
        assertThat(Topics.isShared("$share/g/a")).isTrue();
        assertThat(Topics.isShared("$shared/g/a")).isFalse();
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
            // examples of [MQTT-4.7.1]
            "sport/tennis/player1/#, sport/tennis/player1, true",
            "sport/tennis/player1/#, sport/tennis/player1/ranking, true",
            "sport/tennis/player1/#, sport/tennis/player1/score/wimbledon, true",
            "sport/#, sport, true",
            "#, sport/tennis, true",
            "sport/tennis/+, sport/tennis/player1, true",
            "sport/tennis/+, sport/tennis/player1/ranking, false",
            "sport/+, sport, false",
            "sport/+, sport/, true",
            "+/+, /finance, true",
            "/+, /finance, true",
            "+, /finance, false",
            "+/tennis/#, sport/tennis, true",
            "a/+/c, a//c, true",
            "+, a, true",
            "a/b, a/b, true",
            "a/b, a/b/c, false",
            "a/b/c, a/b, false",
            "a/b, A/b, false",
            "a/bc, a/b, false",
            "#, /, true",
            "/#, /, true",
            // [MQTT-4.7.2-1]: '$' topics are not matched by a leading wildcard
            "#, $SYS/x, false",
            "+/monitor/Clients, $SYS/monitor/Clients, false",
            "$SYS/#, $SYS/monitor/Clients, true",
            "$SYS/monitor/+, $SYS/monitor/Clients, true",
            "$SYS/#, $SYS, true",
            "a/#, a/$x, true",
            // shared filters match with their filter part
            "$share/g/sport/#, sport/tennis, true",
            "$share/g/+, $SYS, false"})
    void matches_MQTT_4_7_1_and_MQTT_4_7_2_1(String filter, String name, boolean expected) {
        assertThat(Topics.matches(filter, name)).isEqualTo(expected);
    }
}
