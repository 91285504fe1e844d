package io.starling.broker.subscription;

import io.starling.broker.topic.LevelKey;

import io.starling.codec.QoS;
import io.starling.codec.packet.RetainHandling;
import io.starling.codec.packet.SubscriptionOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubscriptionIndexTest {
    private static final SubscriptionOptions QOS0 = SubscriptionOptions.of(QoS.AT_MOST_ONCE);
    private static final SubscriptionOptions QOS1 = SubscriptionOptions.of(QoS.AT_LEAST_ONCE);
    private static final SubscriptionOptions QOS2 = SubscriptionOptions.of(QoS.EXACTLY_ONCE);

    private final SubscriptionIndex index = new SubscriptionIndex();

    private static SubscriptionOptions options(QoS qos, boolean noLocal, boolean retainAsPublished) {
        return new SubscriptionOptions(qos, noLocal, retainAsPublished, RetainHandling.SEND_ON_SUBSCRIBE);
    }

    /** Whether a single subscription to {@code filter} receives a PUBLISH to {@code topic}. */
    private static boolean matches(String filter, String topic) {
        SubscriptionIndex single = new SubscriptionIndex();
        single.subscribe("c", filter, QOS0, 0);
        MatchResult result = single.match(topic, null);
        return !result.subscribers().isEmpty();
    }

    private List<String> clients(String topic) {
        List<String> ids = new ArrayList<>();
        for (SubscriberMatch match : index.match(topic, null).subscribers()) {
            ids.add(match.clientId());
        }
        return ids;
    }

    // ---- wildcard semantics, with the examples of MQTT 5.0 section 4.7 ----

    @Test
    void multiLevelWildcardMatchesParentAndAllChildren_MQTT_4_7_1_2() {
        assertThat(matches("sport/tennis/player1/#", "sport/tennis/player1")).isTrue();
        assertThat(matches("sport/tennis/player1/#", "sport/tennis/player1/ranking")).isTrue();
        assertThat(matches("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon")).isTrue();
        assertThat(matches("sport/tennis/player1/#", "sport/tennis/player2")).isFalse();
        assertThat(matches("sport/tennis/player1/#", "sport/tennis")).isFalse();
        assertThat(matches("sport/#", "sport")).isTrue();
        assertThat(matches("a/#", "a")).isTrue();
        assertThat(matches("a/#", "a/b")).isTrue();
        assertThat(matches("a/#", "a/b/c")).isTrue();
        assertThat(matches("a/#", "a/")).isTrue();
        assertThat(matches("a/#", "ab")).isFalse();
        assertThat(matches("a/#", "b/a")).isFalse();
    }

    @Test
    void multiLevelWildcardAloneMatchesEveryNonDollarTopic_MQTT_4_7_1_2() {
        assertThat(matches("#", "a")).isTrue();
        assertThat(matches("#", "a/b/c")).isTrue();
        assertThat(matches("#", "/")).isTrue();
        assertThat(matches("#", "/a")).isTrue();
    }

    @Test
    void singleLevelWildcardMatchesExactlyOneLevel_MQTT_4_7_1_3() {
        assertThat(matches("sport/tennis/+", "sport/tennis/player1")).isTrue();
        assertThat(matches("sport/tennis/+", "sport/tennis/player2")).isTrue();
        assertThat(matches("sport/tennis/+", "sport/tennis/player1/ranking")).isFalse();
        assertThat(matches("sport/+", "sport")).isFalse();
        assertThat(matches("sport/+", "sport/")).isTrue();
        assertThat(matches("+/+", "/finance")).isTrue();
        assertThat(matches("/+", "/finance")).isTrue();
        assertThat(matches("+", "/finance")).isFalse();
        assertThat(matches("+", "finance")).isTrue();
        assertThat(matches("+/tennis/#", "sport/tennis/player1")).isTrue();
        assertThat(matches("+/tennis/#", "sport/tennis")).isTrue();
        assertThat(matches("sport/+/player1", "sport/tennis/player1")).isTrue();
        assertThat(matches("sport/+/player1", "sport/tennis/player2")).isFalse();
    }

    @Test
    void emptyLevelsAreRealLevels_MQTT_4_7_1_3() {
        assertThat(matches("a//b", "a//b")).isTrue();
        assertThat(matches("a/+/b", "a//b")).isTrue();
        assertThat(matches("a/b", "a//b")).isFalse();
        assertThat(matches("a/+", "a//b")).isFalse();
        assertThat(matches("/a", "/a")).isTrue();
        assertThat(matches("/a", "a")).isFalse();
        assertThat(matches("a", "/a")).isFalse();
        assertThat(matches("+/+", "/")).isTrue();
        assertThat(matches("+", "/")).isFalse();
        assertThat(matches("a/", "a/")).isTrue();
        assertThat(matches("a/", "a")).isFalse();
        assertThat(matches("a/+/+", "a//")).isTrue();
    }

    @Test
    void literalLevelsAreCaseSensitiveAndWhole() {
        assertThat(matches("Sport/Tennis", "Sport/Tennis")).isTrue();
        assertThat(matches("Sport/Tennis", "sport/tennis")).isFalse();
        assertThat(matches("sport", "sport/tennis")).isFalse();
        assertThat(matches("sport/tennis", "sport")).isFalse();
        assertThat(matches("spo", "sport")).isFalse();
        assertThat(matches("sport/ten", "sport/tennis")).isFalse();
        assertThat(matches("über/straße", "über/straße")).isTrue();
    }

    @Test
    void dollarTopicsAreNotMatchedByLeadingWildcards_MQTT_4_7_2_1() {
        assertThat(matches("#", "$SYS/monitor/Clients")).isFalse();
        assertThat(matches("#", "$SYS")).isFalse();
        assertThat(matches("+/monitor/Clients", "$SYS/monitor/Clients")).isFalse();
        assertThat(matches("+", "$SYS")).isFalse();
        assertThat(matches("+/#", "$SYS/x")).isFalse();
        assertThat(matches("$SYS/#", "$SYS/monitor/Clients")).isTrue();
        assertThat(matches("$SYS/#", "$SYS")).isTrue();
        assertThat(matches("$SYS/#", "$SYS/x")).isTrue();
        assertThat(matches("$SYS/monitor/+", "$SYS/monitor/Clients")).isTrue();
        assertThat(matches("$SYS", "$SYS")).isTrue();
        // Only the first level is special: '$' further down is an ordinary character.
        assertThat(matches("a/+", "a/$b")).isTrue();
        assertThat(matches("a/#", "a/$b/c")).isTrue();
        assertThat(matches("#", "a$/b")).isTrue();
    }

    @Test
    void sharedLeadingWildcardDoesNotMatchDollarTopics_MQTT_4_7_2_1() {
        index.subscribe("c", "$share/g/#", QOS1, 0);
        assertThat(index.match("$SYS/x", null)).isSameAs(MatchResult.EMPTY);
        assertThat(index.match("x", null).sharedGroups()).hasSize(1);
    }

    // ---- subscribe / unsubscribe / size ----

    @Test
    void subscribeReportsWhetherTheSubscriptionIsNew_MQTT_3_8_4_3() {
        assertThat(index.subscribe("c1", "a/b", QOS0, 0)).isTrue();
        assertThat(index.subscribe("c1", "a/b", QOS2, 7)).isFalse();
        assertThat(index.subscribe("c2", "a/b", QOS1, 0)).isTrue();
        assertThat(index.subscribe("c1", "a/+", QOS1, 0)).isTrue();
        assertThat(index.size()).isEqualTo(3);
    }

    @Test
    void resubscribingReplacesTheOptionsOfTheExistingSubscription_MQTT_3_8_4_3() {
        index.subscribe("c1", "a/b", QOS0, 3);
        index.subscribe("c1", "a/b", options(QoS.EXACTLY_ONCE, false, true), 0);

        assertThat(index.match("a/b", null).subscribers())
                .containsExactly(new SubscriberMatch("c1", QoS.EXACTLY_ONCE, true, List.of()));
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void unsubscribeRemovesOnlyThatClientsFilterAndReportsWhetherItExisted() {
        index.subscribe("c1", "a/b", QOS0, 0);
        index.subscribe("c2", "a/b", QOS0, 0);
        index.subscribe("c1", "a/#", QOS0, 0);

        assertThat(index.unsubscribe("c1", "a/b")).isTrue();
        assertThat(index.unsubscribe("c1", "a/b")).isFalse();
        assertThat(index.unsubscribe("c3", "a/b")).isFalse();
        assertThat(index.unsubscribe("c1", "x/y/z")).isFalse();
        assertThat(index.unsubscribe("c1", "a/+")).isFalse();
        assertThat(index.size()).isEqualTo(2);
        assertThat(clients("a/b")).containsExactlyInAnyOrder("c1", "c2");

        assertThat(index.unsubscribe("c1", "a/#")).isTrue();
        assertThat(clients("a/b")).containsExactly("c2");
        assertThat(index.unsubscribe("c2", "a/b")).isTrue();
        assertThat(index.match("a/b", null)).isSameAs(MatchResult.EMPTY);
        assertThat(index.size()).isZero();
    }

    @Test
    void noMatchReturnsTheSharedEmptyResult() {
        index.subscribe("c1", "a/b", QOS0, 0);
        assertThat(index.match("a/c", null)).isSameAs(MatchResult.EMPTY);
        assertThat(new SubscriptionIndex().match("a", "p")).isSameAs(MatchResult.EMPTY);
        assertThat(MatchResult.EMPTY.isEmpty()).isTrue();
    }

    @Test
    void hashThatIsNotTheLastLevelIsRefused_MQTT_4_7_1_2() {
        assertThatThrownBy(() -> index.subscribe("c", "a/#/b", QOS0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(index.size()).isZero();
        assertThat(index.nodeCount()).isEqualTo(1);
    }

    @Test
    void malformedSharedFilterIsRefused_MQTT_4_8_2_1() {
        assertThatThrownBy(() -> index.subscribe("c", "$share/g", QOS0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.subscribe("c", "$share//a", QOS0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(index.unsubscribe("c", "$share/g")).isFalse();
        assertThat(index.size()).isZero();
    }

    @Test
    void emptyNodesArePrunedOnUnsubscribe() {
        List<String> filters = List.of("a", "a/b", "a/b/c", "a/+/c", "+/#", "#", "x/y/z/#", "/", "//", "$SYS/+",
                "$share/g/a/b", "$share/h/a/b", "$share/g/q/+/#");
        for (String filter : filters) {
            index.subscribe("c1", filter, QOS1, 0);
            index.subscribe("c2", filter, QOS0, 0);
        }
        for (int i = 0; i < 1_000; i++) {
            index.subscribe("d" + i, "devices/" + i + "/cmd", QOS1, 0);
        }
        assertThat(index.nodeCount()).isGreaterThan(1_000);

        List<String> shuffled = new ArrayList<>(filters);
        Collections.shuffle(shuffled, new Random(7));
        for (String filter : shuffled) {
            assertThat(index.unsubscribe("c2", filter)).isTrue();
            assertThat(index.unsubscribe("c1", filter)).isTrue();
        }
        for (int i = 0; i < 1_000; i++) {
            assertThat(index.unsubscribe("d" + i, "devices/" + i + "/cmd")).isTrue();
        }
        assertThat(index.nodeCount()).isEqualTo(1);
        assertThat(index.size()).isZero();
        assertThat(index.match("a/b/c", null)).isSameAs(MatchResult.EMPTY);
    }

    @Test
    void pruningKeepsNodesStillInUse() {
        index.subscribe("c1", "a/b/c", QOS0, 0);
        index.subscribe("c1", "a/b/c/d/e", QOS0, 0);
        index.unsubscribe("c1", "a/b/c/d/e");
        assertThat(index.nodeCount()).isEqualTo(4);
        assertThat(clients("a/b/c")).containsExactly("c1");
        index.subscribe("c1", "a/b/c/d/e", QOS0, 0);
        index.unsubscribe("c1", "a/b/c");
        assertThat(clients("a/b/c/d/e")).containsExactly("c1");
        assertThat(clients("a/b/c")).isEmpty();
    }

    // ---- aggregation of overlapping subscriptions ----

    @Test
    void overlappingSubscriptionsOfOneClientAreDeliveredOnceWithTheMaximumQos_MQTT_3_3_4_2_MQTT_3_3_5_1() {
        index.subscribe("c1", "a/b", QOS0, 0);
        index.subscribe("c1", "a/+", QOS2, 0);
        index.subscribe("c1", "#", QOS1, 0);

        assertThat(index.match("a/b", null).subscribers())
                .containsExactly(new SubscriberMatch("c1", QoS.EXACTLY_ONCE, false, List.of()));
        assertThat(index.match("a/c", null).subscribers())
                .containsExactly(new SubscriberMatch("c1", QoS.EXACTLY_ONCE, false, List.of()));
        assertThat(index.match("x", null).subscribers())
                .containsExactly(new SubscriberMatch("c1", QoS.AT_LEAST_ONCE, false, List.of()));
    }

    @Test
    void allSubscriptionIdentifiersOfOverlappingSubscriptionsAreReportedOncePerSubscription_MQTT_3_3_4_3() {
        index.subscribe("c1", "a/b", QOS0, 9);
        index.subscribe("c1", "a/+", QOS0, 2);
        index.subscribe("c1", "+/b", QOS0, 0);
        index.subscribe("c1", "#", QOS0, 9);
        index.subscribe("c1", "a/#", QOS0, 5);
        index.subscribe("c2", "a/b", QOS0, 0);

        MatchResult result = index.match("a/b", null);
        assertThat(result.subscribers()).containsExactlyInAnyOrder(
                new SubscriberMatch("c1", QoS.AT_MOST_ONCE, false, List.of(2, 5, 9, 9)),
                new SubscriberMatch("c2", QoS.AT_MOST_ONCE, false, List.of()));
        assertThat(index.match("z", null).subscribers())
                .containsExactly(new SubscriberMatch("c1", QoS.AT_MOST_ONCE, false, List.of(9)));
    }

    @Test
    void singleSubscriptionReportsItsOwnIdentifier_MQTT_3_3_4_3() {
        index.subscribe("c1", "a/b", QOS1, 268_435_455);
        assertThat(index.match("a/b", null).subscribers())
                .containsExactly(new SubscriberMatch("c1", QoS.AT_LEAST_ONCE, false, List.of(268_435_455)));
    }

    @Test
    void retainAsPublishedIsSetWhenAnyMatchingSubscriptionHasIt() {
        index.subscribe("c1", "a/b", options(QoS.AT_MOST_ONCE, false, false), 0);
        index.subscribe("c1", "a/+", options(QoS.AT_MOST_ONCE, false, true), 0);

        assertThat(index.match("a/b", null).subscribers())
                .containsExactly(new SubscriberMatch("c1", QoS.AT_MOST_ONCE, true, List.of()));
        index.unsubscribe("c1", "a/+");
        assertThat(index.match("a/b", null).subscribers())
                .containsExactly(new SubscriberMatch("c1", QoS.AT_MOST_ONCE, false, List.of()));
    }

    @Test
    void distinctClientsOnOneFilterAreEachReported() {
        for (int i = 0; i < 10; i++) {
            index.subscribe("c" + i, "a/b", QOS1, i);
        }
        List<SubscriberMatch> subscribers = index.match("a/b", null).subscribers();
        assertThat(subscribers).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(subscribers).contains(new SubscriberMatch("c" + i, QoS.AT_LEAST_ONCE, false,
                    i == 0 ? List.of() : List.of(i)));
        }
    }

    @Test
    void resultListsAreUnmodifiable() {
        for (int i = 0; i < 5; i++) {
            index.subscribe("c" + i, "a/#", QOS1, 0);
            index.subscribe("c" + i, "a/b", QOS1, 0);
            index.subscribe("c" + i, "$share/g" + i + "/a/b", QOS1, 0);
        }
        MatchResult result = index.match("a/b", null);
        assertThat(result.subscribers()).hasSize(5);
        assertThat(result.sharedGroups()).hasSize(5);
        assertThatThrownBy(() -> result.subscribers().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> result.sharedGroups().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> result.sharedGroups().get(0).members().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- No Local ----

    @Test
    void noLocalSubscriptionDoesNotReceiveItsOwnPublications_MQTT_3_8_3_3() {
        index.subscribe("c1", "a/b", options(QoS.AT_LEAST_ONCE, true, false), 0);
        index.subscribe("c2", "a/b", options(QoS.AT_LEAST_ONCE, true, false), 0);

        assertThat(clients("a/b")).containsExactlyInAnyOrder("c1", "c2");
        assertThat(index.match("a/b", "c1").subscribers()).extracting(SubscriberMatch::clientId)
                .containsExactly("c2");
        assertThat(index.match("a/b", "c3").subscribers()).hasSize(2);
    }

    @Test
    void clientWhoseOnlyMatchesAreNoLocalIsAbsent_MQTT_3_8_3_3() {
        index.subscribe("c1", "a/b", options(QoS.AT_LEAST_ONCE, true, false), 1);
        index.subscribe("c1", "a/#", options(QoS.AT_LEAST_ONCE, true, false), 2);

        assertThat(index.match("a/b", "c1")).isSameAs(MatchResult.EMPTY);
    }

    @Test
    void noLocalExcludesOnlyTheNoLocalSubscriptionsFromTheAggregate_MQTT_3_8_3_3() {
        index.subscribe("c1", "a/b", options(QoS.EXACTLY_ONCE, true, true), 1);
        index.subscribe("c1", "a/+", options(QoS.AT_MOST_ONCE, false, false), 2);

        assertThat(index.match("a/b", "c1").subscribers())
                .containsExactly(new SubscriberMatch("c1", QoS.AT_MOST_ONCE, false, List.of(2)));
        assertThat(index.match("a/b", "c2").subscribers())
                .containsExactly(new SubscriberMatch("c1", QoS.EXACTLY_ONCE, true, List.of(1, 2)));
    }

    // ---- shared subscriptions ----

    @Test
    void sharedSubscriptionsAreReportedAsGroupsNotSubscribers_MQTT_4_8_2() {
        index.subscribe("c1", "$share/g/a/+", QOS1, 4);
        index.subscribe("c2", "$share/g/a/+", QOS2, 0);

        MatchResult result = index.match("a/b", null);
        assertThat(result.subscribers()).isEmpty();
        assertThat(result.sharedGroups()).hasSize(1);
        SharedGroup group = result.sharedGroups().get(0);
        assertThat(group.shareName()).isEqualTo("g");
        assertThat(group.topicFilter()).isEqualTo("a/+");
        assertThat(group.members()).containsExactly(new SharedMember("c1", QOS1, 4), new SharedMember("c2", QOS2, 0));
        assertThat(index.match("b/b", null)).isSameAs(MatchResult.EMPTY);
        assertThat(index.size()).isEqualTo(2);
    }

    @Test
    void eachMatchingShareNameAndFilterIsOneGroup_MQTT_4_8_2() {
        index.subscribe("c1", "$share/g/a/+", QOS1, 0);
        index.subscribe("c1", "$share/h/a/+", QOS1, 0);
        index.subscribe("c2", "$share/g/a/b", QOS1, 0);
        index.subscribe("c3", "$share/g/#", QOS1, 0);
        index.subscribe("c3", "a/b", QOS1, 0);

        MatchResult result = index.match("a/b", null);
        assertThat(result.subscribers()).extracting(SubscriberMatch::clientId).containsExactly("c3");
        assertThat(result.sharedGroups())
                .extracting(g -> "$share/" + g.shareName() + "/" + g.topicFilter())
                .containsExactlyInAnyOrder("$share/g/a/+", "$share/h/a/+", "$share/g/a/b", "$share/g/#");
    }

    @Test
    void sharedAndNonSharedSubscriptionsOfOneClientAreIndependent() {
        assertThat(index.subscribe("c1", "a/b", QOS0, 0)).isTrue();
        assertThat(index.subscribe("c1", "$share/g/a/b", QOS1, 0)).isTrue();
        assertThat(index.subscribe("c1", "$share/h/a/b", QOS1, 0)).isTrue();
        assertThat(index.size()).isEqualTo(3);

        assertThat(index.unsubscribe("c1", "$share/g/a/b")).isTrue();
        MatchResult result = index.match("a/b", null);
        assertThat(result.subscribers()).extracting(SubscriberMatch::clientId).containsExactly("c1");
        assertThat(result.sharedGroups()).extracting(SharedGroup::shareName).containsExactly("h");
    }

    @Test
    void resubscribingToASharedFilterReplacesTheMemberInPlace_MQTT_3_8_4_3() {
        assertThat(index.subscribe("c1", "$share/g/a", QOS0, 0)).isTrue();
        assertThat(index.subscribe("c2", "$share/g/a", QOS0, 0)).isTrue();
        assertThat(index.subscribe("c1", "$share/g/a", QOS2, 8)).isFalse();

        SharedGroup group = index.match("a", null).sharedGroups().get(0);
        assertThat(group.members()).containsExactly(new SharedMember("c1", QOS2, 8), new SharedMember("c2", QOS0, 0));
        assertThat(index.size()).isEqualTo(2);
    }

    @Test
    void unsubscribingTheLastMemberRemovesTheGroup() {
        index.subscribe("c1", "$share/g/a", QOS0, 0);
        index.subscribe("c2", "$share/g/a", QOS0, 0);
        SharedGroup group = index.match("a", null).sharedGroups().get(0);

        assertThat(index.unsubscribe("c1", "$share/g/a")).isTrue();
        assertThat(index.unsubscribe("c1", "$share/g/a")).isFalse();
        assertThat(index.unsubscribe("c2", "$share/h/a")).isFalse();
        assertThat(group.members()).extracting(SharedMember::clientId).containsExactly("c2");
        assertThat(index.unsubscribe("c2", "$share/g/a")).isTrue();

        assertThat(index.match("a", null)).isSameAs(MatchResult.EMPTY);
        assertThat(group.members()).isEmpty();
        assertThat(group.nextStartIndex()).isZero();
        assertThat(index.nodeCount()).isEqualTo(1);
        assertThat(index.size()).isZero();
    }

    @Test
    void membersIsASnapshotInSubscribeOrder() {
        index.subscribe("c1", "$share/g/a", QOS0, 0);
        index.subscribe("c2", "$share/g/a", QOS0, 0);
        SharedGroup group = index.match("a", null).sharedGroups().get(0);
        List<SharedMember> before = group.members();

        index.subscribe("c3", "$share/g/a", QOS0, 0);
        index.unsubscribe("c1", "$share/g/a");

        assertThat(before).extracting(SharedMember::clientId).containsExactly("c1", "c2");
        assertThat(group.members()).extracting(SharedMember::clientId).containsExactly("c2", "c3");
    }

    @Test
    void noLocalDoesNotApplyToSharedSubscriptions_MQTT_3_8_3_4() {
        index.subscribe("c1", "$share/g/a", options(QoS.AT_MOST_ONCE, true, false), 0);
        MatchResult result = index.match("a", "c1");
        assertThat(result.sharedGroups()).hasSize(1);
        assertThat(result.sharedGroups().get(0).members()).extracting(SharedMember::clientId).containsExactly("c1");
    }

    @Test
    void nextStartIndexAdvancesRoundRobinModuloTheCurrentSize() {
        index.subscribe("c1", "$share/g/a", QOS0, 0);
        index.subscribe("c2", "$share/g/a", QOS0, 0);
        index.subscribe("c3", "$share/g/a", QOS0, 0);
        SharedGroup group = index.match("a", null).sharedGroups().get(0);

        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            starts.add(group.nextStartIndex());
        }
        assertThat(starts).containsExactly(0, 1, 2, 0, 1, 2, 0);

        index.unsubscribe("c3", "$share/g/a");
        for (int i = 0; i < 10; i++) {
            assertThat(group.nextStartIndex()).isBetween(0, 1);
        }
        int a = group.nextStartIndex();
        int b = group.nextStartIndex();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void theGroupObjectIsStableWhileItHasMembers() {
        index.subscribe("c1", "$share/g/a/+", QOS0, 0);
        SharedGroup first = index.match("a/b", null).sharedGroups().get(0);
        index.subscribe("c2", "$share/g/a/+", QOS0, 0);
        SharedGroup second = index.match("a/c", null).sharedGroups().get(0);
        assertThat(second).isSameAs(first);
    }

    // ---- storage forms ----

    @Test
    void manySubscribersOnOneFilterUseChunkedStorageCorrectly() {
        SubscriptionIndex small = new SubscriptionIndex(4);
        Random random = new Random(11);
        java.util.Map<String, Integer> model = new java.util.HashMap<>();
        for (int step = 0; step < 3_000; step++) {
            String client = "c" + random.nextInt(40);
            int identifier = random.nextInt(5);
            if (random.nextInt(3) == 0) {
                assertThat(small.unsubscribe(client, "f/#")).isEqualTo(model.remove(client) != null);
            } else {
                assertThat(small.subscribe(client, "f/#", QOS1, identifier))
                        .isEqualTo(model.put(client, identifier) == null);
            }
            if (step % 50 == 0) {
                List<SubscriberMatch> expected = new ArrayList<>();
                model.forEach((c, id) -> expected.add(new SubscriberMatch(c, QoS.AT_LEAST_ONCE, false,
                        id == 0 ? List.of() : List.of(id))));
                assertThat(small.match("f/x", null).subscribers()).containsExactlyInAnyOrderElementsOf(expected);
                assertThat(small.size()).isEqualTo(model.size());
            }
        }
        for (String client : new ArrayList<>(model.keySet())) {
            assertThat(small.unsubscribe(client, "f/#")).isTrue();
        }
        assertThat(small.nodeCount()).isEqualTo(1);
    }

    @Test
    void largeFanOutIsReportedCompletely() {
        for (int i = 0; i < 5_000; i++) {
            index.subscribe("c" + i, "broadcast/#", QOS1, 0);
        }
        index.subscribe("c7", "broadcast/all", QOS2, 3);
        List<SubscriberMatch> subscribers = index.match("broadcast/all", null).subscribers();
        assertThat(subscribers).hasSize(5_000);
        assertThat(subscribers).contains(new SubscriberMatch("c7", QoS.EXACTLY_ONCE, false, List.of(3)));
        assertThat(subscribers).extracting(SubscriberMatch::clientId).doesNotHaveDuplicates();
        for (int i = 0; i < 5_000; i += 2) {
            index.unsubscribe("c" + i, "broadcast/#");
        }
        assertThat(index.match("broadcast/x", null).subscribers()).hasSize(2_500);
    }

    @Test
    void veryDeepTopicsDoNotOverflowTheStack() {
        String deep = "a/".repeat(20_000) + "a";
        String deepWildcard = "+/".repeat(20_000) + "#";
        index.subscribe("c1", deep, QOS0, 0);
        index.subscribe("c2", deepWildcard, QOS0, 0);
        index.subscribe("c3", "#", QOS0, 0);
        assertThat(clients(deep)).containsExactlyInAnyOrder("c1", "c2", "c3");
        assertThat(index.unsubscribe("c1", deep)).isTrue();
        assertThat(index.unsubscribe("c2", deepWildcard)).isTrue();
        assertThat(index.unsubscribe("c3", "#")).isTrue();
        assertThat(index.nodeCount()).isEqualTo(1);
    }

    @Test
    void levelKeyHashesLikeString() {
        LevelKey key = new LevelKey();
        String source = "x/Straße/ünï/😀/";
        for (int from = 0; from <= source.length(); from++) {
            for (int to = from; to <= source.length(); to++) {
                String sub = source.substring(from, to);
                key.set(source, from, to);
                assertThat(key.hashCode()).isEqualTo(sub.hashCode());
                assertThat(key.equals(sub)).isTrue();
                assertThat(key.equals(sub + "x")).isFalse();
            }
        }
    }
}
