package io.starling.broker.subscription;

import io.starling.codec.QoS;
import io.starling.codec.packet.SubscriptionOptions;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A deliberately naive model of {@link SubscriptionIndex} for tests: it keeps every subscription in maps and answers
 * a match by testing every filter against the topic with {@link #matches}, written independently of the trie.
 */
final class ReferenceIndex {
    private record Sub(SubscriptionOptions options, int identifier) {
    }

    /** Non-shared: client -> filter -> subscription. */
    private final Map<String, Map<String, Sub>> plain = new TreeMap<>();
    /** Shared: "shareName\u0000filter" -> client -> member, in subscribe order. */
    private final Map<String, LinkedHashMap<String, SharedMember>> shared = new TreeMap<>();

    /** Returns true when the (client, filter) pair is new, like {@link SubscriptionIndex#subscribe}. */
    boolean subscribe(String clientId, String topicFilter, SubscriptionOptions options, int identifier) {
        if (topicFilter.startsWith("$share/")) {
            int slash = topicFilter.indexOf('/', 7);
            String key = topicFilter.substring(7, slash) + "\u0000" + topicFilter.substring(slash + 1);
            return shared.computeIfAbsent(key, k -> new LinkedHashMap<>())
                    .put(clientId, new SharedMember(clientId, options, identifier)) == null;
        }
        return plain.computeIfAbsent(clientId, k -> new TreeMap<>())
                .put(topicFilter, new Sub(options, identifier)) == null;
    }

    boolean unsubscribe(String clientId, String topicFilter) {
        if (topicFilter.startsWith("$share/")) {
            int slash = topicFilter.indexOf('/', 7);
            String key = topicFilter.substring(7, slash) + "\u0000" + topicFilter.substring(slash + 1);
            Map<String, SharedMember> members = shared.get(key);
            if (members == null || members.remove(clientId) == null) {
                return false;
            }
            if (members.isEmpty()) {
                shared.remove(key);
            }
            return true;
        }
        Map<String, Sub> filters = plain.get(clientId);
        if (filters == null || filters.remove(topicFilter) == null) {
            return false;
        }
        if (filters.isEmpty()) {
            plain.remove(clientId);
        }
        return true;
    }

    int size() {
        int size = 0;
        for (Map<String, Sub> filters : plain.values()) {
            size += filters.size();
        }
        for (Map<String, SharedMember> members : shared.values()) {
            size += members.size();
        }
        return size;
    }

    void putAll(ReferenceIndex other) {
        other.plain.forEach((client, filters) -> filters.forEach((filter, sub) ->
                subscribe(client, filter, sub.options, sub.identifier)));
        other.shared.forEach((key, members) -> members.forEach((client, member) ->
                subscribe(member.clientId(), "$share/" + key.replace('\u0000', '/'), member.options(),
                        member.subscriptionIdentifier())));
    }

    /** The expected subscribers, aggregated per client. */
    Set<SubscriberMatch> subscribers(String topic, String publisher) {
        Set<SubscriberMatch> result = new HashSet<>();
        plain.forEach((client, filters) -> {
            QoS qos = null;
            boolean retainAsPublished = false;
            List<Integer> identifiers = new ArrayList<>();
            for (Map.Entry<String, Sub> entry : filters.entrySet()) {
                Sub sub = entry.getValue();
                if (!matches(entry.getKey(), topic) || (sub.options.noLocal() && client.equals(publisher))) {
                    continue;
                }
                if (qos == null || sub.options.maximumQos().value() > qos.value()) {
                    qos = sub.options.maximumQos();
                }
                retainAsPublished |= sub.options.retainAsPublished();
                if (sub.identifier != 0) {
                    identifiers.add(sub.identifier);
                }
            }
            if (qos != null) {
                identifiers.sort(null);
                result.add(new SubscriberMatch(client, qos, retainAsPublished, identifiers));
            }
        });
        return result;
    }

    /** The expected shared groups as "shareName/filter" -> members in subscribe order. */
    Map<String, List<SharedMember>> sharedGroups(String topic) {
        Map<String, List<SharedMember>> result = new TreeMap<>();
        shared.forEach((key, members) -> {
            int separator = key.indexOf('\u0000');
            if (matches(key.substring(separator + 1), topic)) {
                result.put(key.substring(0, separator) + "/" + key.substring(separator + 1),
                        new ArrayList<>(members.values()));
            }
        });
        return result;
    }

    /** What the index returned, in the form of {@link #sharedGroups}. */
    static Map<String, List<SharedMember>> groupsOf(MatchResult result) {
        Map<String, List<SharedMember>> groups = new TreeMap<>();
        for (SharedGroup group : result.sharedGroups()) {
            List<SharedMember> previous = groups.put(group.shareName() + "/" + group.topicFilter(), group.members());
            if (previous != null) {
                throw new AssertionError("group reported twice: " + group);
            }
        }
        return groups;
    }

    /** Brute-force filter matching by splitting both strings into levels. */
    static boolean matches(String filter, String topic) {
        String[] filterLevels = filter.split("/", -1);
        String[] topicLevels = topic.split("/", -1);
        if (topic.startsWith("$") && (filterLevels[0].equals("+") || filterLevels[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < filterLevels.length; i++) {
            if (filterLevels[i].equals("#")) {
                return true;
            }
            if (i >= topicLevels.length) {
                return false;
            }
            if (!filterLevels[i].equals("+") && !filterLevels[i].equals(topicLevels[i])) {
                return false;
            }
        }
        return filterLevels.length == topicLevels.length;
    }
}
