package io.starling.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FiltersTest {

    /** The examples of the MQTT 5.0 specification, sections 4.7.1.2, 4.7.1.3 and 4.7.2. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "sport/tennis/player1/#|sport/tennis/player1|true",
            "sport/tennis/player1/#|sport/tennis/player1/ranking|true",
            "sport/tennis/player1/#|sport/tennis/player1/score/wimbledon|true",
            "sport/#|sport|true",
            "#|sport/tennis|true",
            "sport/tennis/+|sport/tennis/player1|true",
            "sport/tennis/+|sport/tennis/player1/ranking|false",
            "sport/+|sport|false",
            "sport/+|sport/|true",
            "+/+|/finance|true",
            "/+|/finance|true",
            "+|/finance|false",
            "#|$SYS/monitor/Clients|false",
            "+/monitor/Clients|$SYS/monitor/Clients|false",
            "$SYS/#|$SYS/monitor/Clients|true",
            "$SYS/monitor/+|$SYS/monitor/Clients|true",
            "a/b|a/b|true",
            "a/b|a/b/c|false",
            "a/b/c|a/b|false",
    })
    void matchesFollowsTheSpecificationExamples_MQTT_4_7_1_and_MQTT_4_7_2_1(String filter, String topic,
                                                                             boolean expected) {
        assertThat(Filters.matches(filter, topic)).isEqualTo(expected);
    }

    /**
     * covers and intersects against brute force: over every pair of small filters, the relation must hold exactly
     * when it holds on a universe of topics large enough to hold a witness for any of these filters.
     */
    @Test
    void coversAndIntersectsAgreeWithBruteForce() {
        List<String> topics = topics();
        List<String> filters = filters();
        int pairs = 0;
        for (String outer : filters) {
            boolean[] outerMatches = matchVector(outer, topics);
            for (String inner : filters) {
                boolean[] innerMatches = matchVector(inner, topics);
                boolean covered = true;
                boolean overlap = false;
                for (int i = 0; i < topics.size(); i++) {
                    if (innerMatches[i] && !outerMatches[i]) {
                        covered = false;
                    }
                    if (innerMatches[i] && outerMatches[i]) {
                        overlap = true;
                    }
                }
                assertThat(Filters.covers(outer, inner)).as("covers(%s, %s)", outer, inner).isEqualTo(covered);
                assertThat(Filters.intersects(outer, inner)).as("intersects(%s, %s)", outer, inner).isEqualTo(overlap);
                pairs++;
            }
        }
        assertThat(pairs).isGreaterThan(10_000);
    }

    private static boolean[] matchVector(String filter, List<String> topics) {
        boolean[] result = new boolean[topics.size()];
        for (int i = 0; i < topics.size(); i++) {
            result[i] = Filters.matches(filter, topics.get(i));
        }
        return result;
    }

    /**
     * Topics of 1 to 4 levels from {a, b, c, ""}, and the same under a first level "$s". The empty topic is included:
     * it is no valid topic name, but the relations treat it as one (which only makes them more cautious).
     */
    private static List<String> topics() {
        List<String> levels = List.of("a", "b", "c", "");
        List<String> all = new ArrayList<>();
        List<String> current = new ArrayList<>(List.of(""));
        for (int depth = 1; depth <= 4; depth++) {
            List<String> next = new ArrayList<>();
            for (String prefix : current) {
                for (String level : levels) {
                    next.add(depth == 1 ? level : prefix + "/" + level);
                }
            }
            current = next;
            for (String topic : next) {
                all.add(topic);
                if (depth <= 3) {
                    all.add("$s/" + topic);
                }
            }
        }
        all.add("$s");
        return all;
    }

    /** Valid filters of 1 to 3 levels from {a, b, "", +, #}, '#' last only, "$s" allowed as first level. */
    private static List<String> filters() {
        List<String> all = new ArrayList<>();
        List<List<String>> current = List.of(List.of());
        for (int depth = 1; depth <= 3; depth++) {
            List<List<String>> next = new ArrayList<>();
            for (List<String> prefix : current) {
                if (!prefix.isEmpty() && prefix.get(prefix.size() - 1).equals("#")) {
                    continue;
                }
                for (String level : List.of("a", "b", "", "+", "#", "$s")) {
                    if (level.equals("$s") && !prefix.isEmpty()) {
                        continue;
                    }
                    List<String> filter = new ArrayList<>(prefix);
                    filter.add(level);
                    next.add(filter);
                }
            }
            current = next;
            for (List<String> filter : next) {
                String text = String.join("/", filter);
                if (!text.isEmpty() && AclFile.filterProblem(text) == null) {
                    all.add(text);
                }
            }
        }
        return all;
    }
}
