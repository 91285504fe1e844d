package io.starling.broker.retained;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetainedIndexTest {
    private final RetainedIndex<String> index = new RetainedIndex<>();

    /** Stores each topic with itself as the value. */
    private void retain(String... topics) {
        for (String topic : topics) {
            index.put(topic, topic);
        }
    }

    /** Brute-force reference, written independently of the trie. */
    private static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        if (topic.startsWith("$") && (f[0].equals("+") || f[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || (!f[i].equals("+") && !f[i].equals(t[i]))) {
                return false;
            }
        }
        return f.length == t.length;
    }

    @Test
    void putGetRemoveAndSize() {
        assertThat(index.put("a/b", "1")).isNull();
        assertThat(index.put("a/b", "2")).isEqualTo("1");
        assertThat(index.put("a", "3")).isNull();
        assertThat(index.size()).isEqualTo(2);
        assertThat(index.get("a/b")).isEqualTo("2");
        assertThat(index.get("a")).isEqualTo("3");
        assertThat(index.get("a/b/c")).isNull();
        assertThat(index.get("b")).isNull();

        assertThat(index.remove("a/b")).isEqualTo("2");
        assertThat(index.remove("a/b")).isNull();
        assertThat(index.remove("zzz")).isNull();
        assertThat(index.get("a/b")).isNull();
        assertThat(index.get("a")).isEqualTo("3");
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void nullsAreRefused() {
        assertThatThrownBy(() -> index.put("a", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> index.put(null, "x")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void literalFilterIsADirectLookup() {
        retain("sport/tennis", "sport/tennis/player1", "sport");
        assertThat(index.match("sport/tennis")).containsExactly("sport/tennis");
        assertThat(index.match("sport/golf")).isEmpty();
    }

    @Test
    void multiLevelWildcardMatchesParentAndAllChildren_MQTT_4_7_1_2() {
        retain("sport/tennis/player1", "sport/tennis/player1/ranking", "sport/tennis/player1/score/wimbledon",
                "sport/tennis/player2", "sport", "sport/", "sports");
        assertThat(index.match("sport/tennis/player1/#")).containsExactlyInAnyOrder("sport/tennis/player1",
                "sport/tennis/player1/ranking", "sport/tennis/player1/score/wimbledon");
        assertThat(index.match("sport/#")).containsExactlyInAnyOrder("sport/tennis/player1",
                "sport/tennis/player1/ranking", "sport/tennis/player1/score/wimbledon", "sport/tennis/player2",
                "sport", "sport/");
        assertThat(index.match("#")).hasSize(7);
    }

    @Test
    void singleLevelWildcardMatchesExactlyOneLevel_MQTT_4_7_1_3() {
        retain("sport/tennis/player1", "sport/tennis/player2", "sport/tennis/player1/ranking", "sport", "sport/",
                "/finance", "finance");
        assertThat(index.match("sport/tennis/+")).containsExactlyInAnyOrder("sport/tennis/player1",
                "sport/tennis/player2");
        assertThat(index.match("sport/+")).containsExactly("sport/");
        assertThat(index.match("+/+")).containsExactlyInAnyOrder("/finance", "sport/");
        assertThat(index.match("/+")).containsExactly("/finance");
        assertThat(index.match("+")).containsExactlyInAnyOrder("sport", "finance");
        assertThat(index.match("+/tennis/#")).containsExactlyInAnyOrder("sport/tennis/player1",
                "sport/tennis/player2", "sport/tennis/player1/ranking");
    }

    @Test
    void emptyLevelsAreRealLevels() {
        retain("a//b", "a/b", "/", "//");
        assertThat(index.match("a/+/b")).containsExactly("a//b");
        assertThat(index.match("+/+")).containsExactlyInAnyOrder("a/b", "/");
        assertThat(index.match("+/+/+")).containsExactlyInAnyOrder("a//b", "//");
        assertThat(index.get("/")).isEqualTo("/");
        assertThat(index.get("//")).isEqualTo("//");
    }

    @Test
    void dollarTopicsAreNotMatchedByLeadingWildcards_MQTT_4_7_2_1() {
        retain("$SYS/monitor/Clients", "$SYS", "a/$b", "plain");
        assertThat(index.match("#")).containsExactlyInAnyOrder("a/$b", "plain");
        assertThat(index.match("+")).containsExactly("plain");
        assertThat(index.match("+/monitor/Clients")).isEmpty();
        assertThat(index.match("$SYS/#")).containsExactlyInAnyOrder("$SYS/monitor/Clients", "$SYS");
        assertThat(index.match("$SYS/monitor/+")).containsExactly("$SYS/monitor/Clients");
        assertThat(index.match("a/+")).containsExactly("a/$b");
    }

    @Test
    void forEachVisitsEveryRetainedMessageWithItsTopic() {
        retain("a", "a/b", "a/b/c", "$SYS/x", "/");
        Map<String, String> seen = new HashMap<>();
        index.forEach(seen::put);
        assertThat(seen).containsOnlyKeys("a", "a/b", "a/b/c", "$SYS/x", "/");
        seen.forEach((topic, value) -> assertThat(value).isEqualTo(topic));
    }

    @Test
    void emptyNodesArePrunedOnRemove() {
        retain("a/b/c", "a/b", "x/y/z/w");
        for (int i = 0; i < 1_000; i++) {
            index.put("devices/" + i + "/state", "s");
        }
        index.remove("a/b");
        assertThat(index.match("a/#")).containsExactly("a/b/c");
        index.remove("a/b/c");
        index.remove("x/y/z/w");
        for (int i = 0; i < 1_000; i++) {
            index.remove("devices/" + i + "/state");
        }
        assertThat(index.nodeCount()).isEqualTo(1);
        assertThat(index.size()).isZero();
        assertThat(index.match("#")).isEmpty();
    }

    @Test
    void prefixWildcardOnlyVisitsItsSubtree() {
        retain("a/b/c");
        // A wide unrelated sibling must not change the result; the trie descends straight into "a/b".
        for (int i = 0; i < 10_000; i++) {
            index.put("other/" + i, "o");
        }
        assertThat(index.match("a/b/#")).containsExactly("a/b/c");
        assertThat(index.match("a/+/c")).containsExactly("a/b/c");
    }

    @Test
    void veryDeepTopicsDoNotOverflowTheStack() {
        String deep = "x/".repeat(30_000) + "x";
        index.put(deep, "deep");
        assertThat(index.get(deep)).isEqualTo("deep");
        assertThat(index.match("#")).containsExactly("deep");
        assertThat(index.match("x/#")).containsExactly("deep");
        assertThat(index.match("+/".repeat(30_000) + "+")).containsExactly("deep");
        assertThat(index.remove(deep)).isEqualTo("deep");
        assertThat(index.nodeCount()).isEqualTo(1);
    }

    @Test
    void matchAgreesWithBruteForceOnRandomTopicsAndFilters_MQTT_4_7_1_2_MQTT_4_7_1_3_MQTT_4_7_2_1() {
        Random random = new Random(4242);
        String[] levels = {"a", "b", "c", "", "$x"};
        Map<String, String> model = new HashMap<>();
        for (int i = 0; i < 3_000; i++) {
            String topic = randomPath(random, levels, false);
            if (random.nextInt(4) == 0) {
                assertThat(index.remove(topic)).isEqualTo(model.remove(topic));
            } else {
                String value = topic + "#" + i;
                assertThat(index.put(topic, value)).isEqualTo(model.put(topic, value));
            }
        }
        assertThat(index.size()).isEqualTo(model.size());
        for (int i = 0; i < 2_000; i++) {
            String filter = randomPath(random, levels, true);
            List<String> expected = new ArrayList<>();
            model.forEach((topic, value) -> {
                if (matches(filter, topic)) {
                    expected.add(value);
                }
            });
            assertThat(index.match(filter)).as("filter %s", filter).containsExactlyInAnyOrderElementsOf(expected);
        }
        for (String topic : new ArrayList<>(model.keySet())) {
            assertThat(index.remove(topic)).isEqualTo(model.remove(topic));
        }
        assertThat(index.nodeCount()).isEqualTo(1);
    }

    private static String randomPath(Random random, String[] levels, boolean wildcards) {
        int depth = 1 + random.nextInt(5);
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            if (i > 0) {
                path.append('/');
            }
            int pick = random.nextInt(wildcards ? 8 : 5);
            if (wildcards && i == depth - 1 && pick >= 6) {
                path.append('#');
            } else if (wildcards && pick >= 5) {
                path.append('+');
            } else {
                path.append(levels[random.nextInt(levels.length)]);
            }
        }
        return path.toString();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void readersNeverFailWhileWritersChangeTheIndexAndTheFinalStateIsExact() throws Exception {
        int writers = 2;
        int readers = 2;
        String[] topics = {"a", "a/b", "a/b/c", "a/c", "b", "$SYS/x", "a//b", "c/d/e/f"};
        String[] filters = {"#", "a/#", "a/+", "+/b/#", "$SYS/#", "a/b", "+/+/+"};
        index.put("stable/one", "stable");
        ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger writersRunning = new AtomicInteger(writers);
        try {
            List<Future<Map<String, String>>> writerResults = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String prefix = "w" + w + "/";
                long seed = w;
                writerResults.add(pool.submit(() -> {
                    try {
                        start.await();
                        Random random = new Random(seed);
                        Map<String, String> model = new HashMap<>();
                        for (int i = 0; i < 20_000; i++) {
                            String topic = prefix + topics[random.nextInt(topics.length)];
                            if (random.nextBoolean()) {
                                index.remove(topic);
                                model.remove(topic);
                            } else {
                                index.put(topic, topic);
                                model.put(topic, topic);
                            }
                        }
                        return model;
                    } finally {
                        writersRunning.decrementAndGet();
                    }
                }));
            }
            List<Future<Integer>> readerResults = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                long seed = 100 + r;
                readerResults.add(pool.submit(() -> {
                    start.await();
                    Random random = new Random(seed);
                    int count = 0;
                    while ((writersRunning.get() > 0 || count < 1_000) && count < 2_000_000) {
                        String filter = random.nextInt(3) == 0 ? "#" : "w" + random.nextInt(writers) + "/"
                                + filters[random.nextInt(filters.length)];
                        List<String> values = index.match(filter);
                        for (String value : values) {
                            if (!matches(filter, value)) {
                                throw new AssertionError(filter + " returned " + value);
                            }
                        }
                        if (filter.equals("#") && !values.contains("stable")) {
                            throw new AssertionError("untouched retained message missing");
                        }
                        count++;
                    }
                    return count;
                }));
            }
            start.countDown();

            Map<String, String> expected = new HashMap<>();
            expected.put("stable/one", "stable");
            for (Future<Map<String, String>> writer : writerResults) {
                expected.putAll(writer.get(90, TimeUnit.SECONDS));
            }
            for (Future<Integer> reader : readerResults) {
                assertThat(reader.get(90, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(1_000);
            }
            Map<String, String> actual = new HashMap<>();
            index.forEach(actual::put);
            assertThat(actual).isEqualTo(expected);
            assertThat(index.size()).isEqualTo(expected.size());
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
