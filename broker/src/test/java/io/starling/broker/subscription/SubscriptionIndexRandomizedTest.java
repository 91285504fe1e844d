package io.starling.broker.subscription;

import io.starling.codec.QoS;
import io.starling.codec.packet.RetainHandling;
import io.starling.codec.packet.SubscriptionOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares {@link SubscriptionIndex#match} with the brute-force {@link ReferenceIndex} over random filters and topics
 * (wildcards, empty levels, '$' topics, overlaps, No Local, identifiers, shared groups, replacements, removals).
 */
class SubscriptionIndexRandomizedTest {
    private static final String[] LEVELS = {"a", "b", "c", "", "sport"};

    static String randomFilter(Random random) {
        int depth = 1 + random.nextInt(4);
        StringBuilder filter = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            if (i > 0) {
                filter.append('/');
            }
            if (i == depth - 1 && random.nextInt(5) == 0) {
                filter.append('#');
            } else if (i == 0 && random.nextInt(10) == 0) {
                filter.append("$SYS");
            } else if (random.nextInt(4) == 0) {
                filter.append('+');
            } else {
                filter.append(LEVELS[random.nextInt(LEVELS.length)]);
            }
        }
        if (filter.length() == 0) {
            filter.append('c');
        }
        if (random.nextInt(5) == 0) {
            return "$share/g" + random.nextInt(3) + "/" + filter;
        }
        return filter.toString();
    }

    static String randomTopic(Random random) {
        int depth = 1 + random.nextInt(5);
        StringBuilder topic = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            if (i > 0) {
                topic.append('/');
            }
            if (i == 0 && random.nextInt(8) == 0) {
                topic.append("$SYS");
            } else {
                topic.append(LEVELS[random.nextInt(LEVELS.length)]);
            }
        }
        return topic.toString();
    }

    static SubscriptionOptions randomOptions(Random random) {
        return new SubscriptionOptions(QoS.of(random.nextInt(3)), random.nextInt(4) == 0, random.nextBoolean(),
                RetainHandling.of(random.nextInt(3)));
    }

    @ParameterizedTest(name = "chunkSize={0}")
    @ValueSource(ints = {2, 3, SubscriptionIndex.DEFAULT_CHUNK_SIZE})
    void matchAgreesWithBruteForceOnRandomSubscriptions_MQTT_4_7_1_2_MQTT_4_7_1_3_MQTT_4_7_2_1_MQTT_3_3_4_2_MQTT_3_3_4_3_MQTT_3_8_3_3(
            int chunkSize) {
        Random random = new Random(20_240_601L + chunkSize);
        SubscriptionIndex index = new SubscriptionIndex(chunkSize);
        ReferenceIndex reference = new ReferenceIndex();
        List<String[]> live = new ArrayList<>();

        // Build up about 2,000 subscriptions with replacements and removals along the way.
        int operations = 0;
        while (reference.size() < 2_000 && operations < 20_000) {
            operations++;
            if (!live.isEmpty() && random.nextInt(5) == 0) {
                String[] pair = live.remove(random.nextInt(live.size()));
                assertThat(index.unsubscribe(pair[0], pair[1])).isEqualTo(reference.unsubscribe(pair[0], pair[1]));
                continue;
            }
            String client = "client" + random.nextInt(80);
            String filter = randomFilter(random);
            SubscriptionOptions options = randomOptions(random);
            int identifier = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(6);
            boolean added = index.subscribe(client, filter, options, identifier);
            assertThat(added).as("subscribe %s %s", client, filter)
                    .isEqualTo(reference.subscribe(client, filter, options, identifier));
            if (added) {
                live.add(new String[] {client, filter});
            }
        }
        assertThat(index.size()).isEqualTo(reference.size()).isGreaterThanOrEqualTo(2_000);

        HashSet<String> distinctTopics = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String topic = randomTopic(random);
            distinctTopics.add(topic);
            String publisher = random.nextInt(4) == 0 ? null : "client" + random.nextInt(80);
            MatchResult actual = index.match(topic, publisher);
            assertThat(new HashSet<>(actual.subscribers()))
                    .as("subscribers of %s published by %s", topic, publisher)
                    .isEqualTo(reference.subscribers(topic, publisher));
            assertThat(actual.subscribers()).as("one entry per client").extracting(SubscriberMatch::clientId)
                    .doesNotHaveDuplicates();
            assertThat(ReferenceIndex.groupsOf(actual)).as("shared groups of %s", topic)
                    .isEqualTo(reference.sharedGroups(topic));
        }
        assertThat(distinctTopics.size()).as("the topics cover many cases").isGreaterThan(300);

        // Removing everything leaves an empty, fully pruned trie.
        for (String[] pair : live) {
            assertThat(index.unsubscribe(pair[0], pair[1])).isEqualTo(reference.unsubscribe(pair[0], pair[1]));
        }
        assertThat(index.size()).isZero();
        assertThat(index.nodeCount()).isEqualTo(1);
    }
}
