package io.starling.broker.subscription;

import io.starling.codec.QoS;
import io.starling.codec.packet.RetainHandling;
import io.starling.codec.packet.SubscriptionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writers subscribe and unsubscribe while readers match. Readers must never fail and must always see the
 * subscriptions nobody touches; afterwards the index must equal the union of the writers' own models.
 */
class SubscriptionIndexConcurrencyTest {
    private static final int WRITERS = 3;
    private static final int READERS = 3;
    private static final int OPERATIONS_PER_WRITER = 15_000;
    private static final int MIN_MATCHES_PER_READER = 1_000;
    private static final int MAX_MATCHES_PER_READER = 2_000_000;
    private static final SubscriptionOptions STABLE_OPTIONS = SubscriptionOptions.of(QoS.EXACTLY_ONCE);

    private static final String[] FILTERS = {
        "s/x", "s/+", "s/#", "#", "+/x", "+/+", "t/+/z", "t/#", "t/y/z", "$SYS/#", "+",
        "$share/g/s/x", "$share/g/s/+", "$share/h/#", "$share/g/t/#",
    };
    private static final String[] TOPICS = {"s/x", "s/y", "s", "t/y/z", "t", "$SYS/x", "u/x", "x", "s/x/y"};

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void matchIsConsistentWhileSubscriptionsChangeAndTheFinalStateIsExact() throws Exception {
        // A small chunk size makes the writers cross the flat/chunked storage boundary all the time.
        SubscriptionIndex index = new SubscriptionIndex(3);
        index.subscribe("stable", "s/+", STABLE_OPTIONS, 1);
        index.subscribe("stable", "$share/stable/s/#", STABLE_OPTIONS, 0);

        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger writersRunning = new AtomicInteger(WRITERS);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            List<Future<ReferenceIndex>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    try {
                        start.await();
                        return write(index, writer);
                    } finally {
                        writersRunning.decrementAndGet();
                    }
                }));
            }
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                int seed = r;
                Callable<Integer> reader = () -> {
                    start.await();
                    return read(index, seed, writersRunning, stop);
                };
                readers.add(pool.submit(reader));
            }
            start.countDown();

            ReferenceIndex expected = new ReferenceIndex();
            expected.subscribe("stable", "s/+", STABLE_OPTIONS, 1);
            expected.subscribe("stable", "$share/stable/s/#", STABLE_OPTIONS, 0);
            for (Future<ReferenceIndex> writer : writers) {
                expected.putAll(writer.get(90, TimeUnit.SECONDS));
            }
            int matches = 0;
            for (Future<Integer> reader : readers) {
                matches += reader.get(90, TimeUnit.SECONDS);
            }
            assertThat(matches).as("readers ran").isPositive();

            assertThat(index.size()).isEqualTo(expected.size());
            List<String> allTopics = new ArrayList<>(List.of(TOPICS));
            allTopics.addAll(List.of("t/q/z", "s/", "/x", "$SYS", "t/y"));
            for (String topic : allTopics) {
                for (String publisher : new String[] {null, "w0-c1", "w1-c2", "stable"}) {
                    MatchResult actual = index.match(topic, publisher);
                    assertThat(new HashSet<>(actual.subscribers())).as("subscribers of %s", topic)
                            .isEqualTo(expected.subscribers(topic, publisher));
                    // Member order interleaves the writers, which the merged model cannot know: compare as sets.
                    assertThat(unordered(ReferenceIndex.groupsOf(actual))).as("groups of %s", topic)
                            .isEqualTo(unordered(expected.sharedGroups(topic)));
                }
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static Map<String, Set<SharedMember>> unordered(Map<String, List<SharedMember>> groups) {
        Map<String, Set<SharedMember>> result = new HashMap<>();
        groups.forEach((key, members) -> result.put(key, new HashSet<>(members)));
        return result;
    }

    /** One writer: random subscribes and unsubscribes of its own clients, mirrored in its own model. */
    private static ReferenceIndex write(SubscriptionIndex index, int writer) {
        Random random = new Random(1_000L + writer);
        ReferenceIndex model = new ReferenceIndex();
        for (int i = 0; i < OPERATIONS_PER_WRITER; i++) {
            String client = "w" + writer + "-c" + random.nextInt(6);
            String filter = FILTERS[random.nextInt(FILTERS.length)];
            if (random.nextInt(3) == 0) {
                boolean removed = index.unsubscribe(client, filter);
                if (removed != model.unsubscribe(client, filter)) {
                    throw new AssertionError("unsubscribe " + client + " " + filter + " returned " + removed);
                }
            } else {
                SubscriptionOptions options = new SubscriptionOptions(QoS.of(random.nextInt(3)),
                        !filter.startsWith("$share/") && random.nextBoolean(), random.nextBoolean(),
                        RetainHandling.SEND_ON_SUBSCRIBE);
                int identifier = random.nextInt(4);
                boolean added = index.subscribe(client, filter, options, identifier);
                if (added != model.subscribe(client, filter, options, identifier)) {
                    throw new AssertionError("subscribe " + client + " " + filter + " returned " + added);
                }
            }
        }
        return model;
    }

    /** One reader: matches until the writers are done, checking what must hold at every moment. */
    private static int read(SubscriptionIndex index, int seed, AtomicInteger writersRunning, AtomicBoolean stop) {
        Random random = new Random(seed);
        int count = 0;
        // At least MIN_MATCHES_PER_READER even when the writers finish first, so that every reader checks something.
        while ((writersRunning.get() > 0 || count < MIN_MATCHES_PER_READER) && !stop.get()
                && count < MAX_MATCHES_PER_READER) {
            String topic = TOPICS[random.nextInt(TOPICS.length)];
            String publisher = random.nextBoolean() ? null : "w" + random.nextInt(WRITERS) + "-c" + random.nextInt(6);
            MatchResult result = index.match(topic, publisher);
            count++;

            HashSet<String> clients = new HashSet<>();
            for (SubscriberMatch match : result.subscribers()) {
                if (!clients.add(match.clientId())) {
                    throw new AssertionError("client reported twice for " + topic + ": " + result);
                }
                List<Integer> ids = match.subscriptionIdentifiers();
                for (int i = 1; i < ids.size(); i++) {
                    if (ids.get(i - 1) > ids.get(i)) {
                        throw new AssertionError("identifiers not ascending: " + match);
                    }
                }
                if (ids.contains(0)) {
                    throw new AssertionError("identifier 0 reported: " + match);
                }
            }
            boolean stableMatches = topic.equals("s/x") || topic.equals("s/y");
            SubscriberMatch expectedStable = new SubscriberMatch("stable", QoS.EXACTLY_ONCE, false, List.of(1));
            if (stableMatches != result.subscribers().contains(expectedStable)) {
                throw new AssertionError("stable subscription wrongly reported for " + topic + ": " + result);
            }
            boolean stableGroup = topic.startsWith("s");
            long stableGroups = result.sharedGroups().stream().filter(g -> g.shareName().equals("stable")).count();
            if (stableGroups != (stableGroup ? 1 : 0)) {
                throw new AssertionError("stable group wrongly reported for " + topic + ": " + result);
            }
            HashSet<String> groupKeys = new HashSet<>();
            for (SharedGroup group : result.sharedGroups()) {
                if (!groupKeys.add(group.shareName() + "/" + group.topicFilter())) {
                    throw new AssertionError("group reported twice: " + result);
                }
                int startIndex = group.nextStartIndex();
                if (startIndex < 0) {
                    throw new AssertionError("negative start index " + startIndex);
                }
            }
        }
        return count;
    }
}
