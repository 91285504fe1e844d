package io.starling.broker.subscription;

import io.starling.broker.topic.LevelKey;
import io.starling.codec.QoS;
import io.starling.codec.SharedFilter;
import io.starling.codec.Topics;
import io.starling.codec.packet.SubscriptionOptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The topic filter index that routes every PUBLISH: a trie with one node per filter level, where each node has a map
 * of literal next levels plus direct links for a '+' and a '#' next level. Matching a topic walks only the branches
 * the topic's levels select, so its cost does not depend on the number of unrelated subscriptions.
 *
 * <p>Matching rules ({@link #match}):
 * <ul>
 *   <li>Levels are split on '/'; empty levels are real levels ("a//b" has three, "/a" two).</li>
 *   <li>'+' matches exactly one level, possibly empty ([MQTT-4.7.1-3]; 5.0 numbering [MQTT-4.7.1-2]).</li>
 *   <li>'#' matches its parent level and any number of levels below it, so "a/#" matches "a", "a/b" and "a/b/c"
 *       ([MQTT-4.7.1-2]; 5.0 numbering [MQTT-4.7.1-1]).</li>
 *   <li>A topic starting with '$' is not matched by a filter starting with '+' or '#' ([MQTT-4.7.2-1]); "$SYS/#"
 *       does match "$SYS/x".</li>
 *   <li>A client's overlapping non-shared subscriptions yield one {@link SubscriberMatch}: the maximum QoS
 *       ([MQTT-3.3.4-2], 3.1.1 [MQTT-3.3.5-1]), all non-zero Subscription Identifiers, one per subscription ([MQTT-3.3.4-3]), and
 *       Retain As Published if any of them has it.</li>
 *   <li>No Local: a subscription with that option does not receive messages its own client published
 *       ([MQTT-3.8.3-3]).</li>
 *   <li>Shared subscriptions {@code $share/{name}/{filter}} ([MQTT-4.8.2]) are reported per group, never as
 *       subscribers; No Local does not apply to them (setting it is a Protocol Error, [MQTT-3.8.3-4], which the
 *       caller rejects).</li>
 * </ul>
 *
 * <p>Concurrency: {@link #match} takes no lock and may run on any number of threads; it sees each node's data as an
 * immutable snapshot, so it never fails or sees half of a change. {@link #subscribe} and {@link #unsubscribe}
 * serialize on one lock; unsubscribe prunes nodes left empty.
 */
public final class SubscriptionIndex {
    /** Above this many subscribers on one filter, a node's subscriptions are stored in chunks of this size. */
    static final int DEFAULT_CHUNK_SIZE = 64;

    private final Node root = new Node(null, null);
    private final Object writeLock = new Object();
    private final int chunkSize;
    private volatile int size;

    public SubscriptionIndex() {
        this(DEFAULT_CHUNK_SIZE);
    }

    /** For tests: a small chunk size exercises the chunked storage with few clients. */
    SubscriptionIndex(int chunkSize) {
        if (chunkSize < 2) {
            throw new IllegalArgumentException("chunkSize must be at least 2: " + chunkSize);
        }
        this.chunkSize = chunkSize;
    }

    /**
     * Adds or replaces the subscription of {@code clientId} to {@code topicFilter} (plain or
     * {@code $share/{name}/{filter}}); an identical filter replaces the existing subscription ([MQTT-3.8.4-3]).
     * Filter validity is checked by the caller; a '#' that is not the last level is refused here because the trie
     * cannot represent it.
     *
     * @param subscriptionIdentifier 0 when none
     * @return true when the client had no subscription to exactly this filter before (v5 Retain Handling 1), false
     *         when it replaced one
     */
    public boolean subscribe(String clientId, String topicFilter, SubscriptionOptions options,
                             int subscriptionIdentifier) {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(options, "options");
        if (subscriptionIdentifier < 0) {
            throw new IllegalArgumentException("subscriptionIdentifier must not be negative: " + subscriptionIdentifier);
        }
        SharedFilter shared = sharedOrNull(topicFilter);
        String filter = shared == null ? topicFilter : shared.topicFilter();
        checkHashIsLast(filter);
        synchronized (writeLock) {
            Node node = root;
            int start = 0;
            while (start >= 0) {
                int end = levelEnd(filter, start);
                node = node.childOrCreate(filter.substring(start, end));
                start = nextLevelStart(filter, end);
            }
            boolean added = shared == null
                    ? node.putSubscription(new Subscription(clientId, options, subscriptionIdentifier), chunkSize)
                    : node.putSharedMember(shared.shareName(), filter,
                            new SharedMember(clientId, options, subscriptionIdentifier));
            if (added) {
                size++;
            }
            return added;
        }
    }

    /**
     * Removes the subscription of {@code clientId} to {@code topicFilter}; returns whether it existed (never for a
     * malformed shared filter, which {@link #subscribe} refuses).
     */
    public boolean unsubscribe(String clientId, String topicFilter) {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(topicFilter, "topicFilter");
        SharedFilter shared = Topics.isShared(topicFilter) ? SharedFilter.parse(topicFilter) : null;
        if (shared == null && Topics.isShared(topicFilter)) {
            return false;
        }
        String filter = shared == null ? topicFilter : shared.topicFilter();
        synchronized (writeLock) {
            Node node = root;
            int start = 0;
            while (start >= 0 && node != null) {
                int end = levelEnd(filter, start);
                node = node.existingChild(filter.substring(start, end));
                start = nextLevelStart(filter, end);
            }
            if (node == null) {
                return false;
            }
            boolean removed = shared == null
                    ? node.removeSubscription(clientId, chunkSize)
                    : node.removeSharedMember(shared.shareName(), clientId);
            if (removed) {
                size--;
                prune(node);
            }
            return removed;
        }
    }

    /**
     * Everyone a PUBLISH to {@code topicName} goes to. Lock-free; see the class comment for the rules.
     *
     * @param publisherClientId the publishing client, for No Local ([MQTT-3.8.3-3]); null for messages the server
     *                          originates
     * @return {@link MatchResult#EMPTY} when nobody matches
     */
    public MatchResult match(String topicName, String publisherClientId) {
        Objects.requireNonNull(topicName, "topicName");
        Matcher matcher = new Matcher(topicName, publisherClientId);
        matcher.walk(root);
        return matcher.result();
    }

    /** Number of (client, filter) subscriptions held, shared ones included. */
    public int size() {
        return size;
    }

    /** For tests: number of trie nodes, root included, to check pruning. Takes the write lock. */
    int nodeCount() {
        synchronized (writeLock) {
            int count = 0;
            List<Node> pending = new ArrayList<>();
            pending.add(root);
            while (!pending.isEmpty()) {
                Node node = pending.remove(pending.size() - 1);
                count++;
                if (node.children != null) {
                    pending.addAll(node.children.values());
                }
                if (node.plus != null) {
                    pending.add(node.plus);
                }
                if (node.hash != null) {
                    pending.add(node.hash);
                }
            }
            return count;
        }
    }

    private void prune(Node node) {
        while (node.parent != null && node.isPrunable()) {
            node.parent.removeChild(node);
            node = node.parent;
        }
    }

    private static SharedFilter sharedOrNull(String topicFilter) {
        Objects.requireNonNull(topicFilter, "topicFilter");
        if (!Topics.isShared(topicFilter)) {
            return null;
        }
        SharedFilter shared = SharedFilter.parse(topicFilter);
        if (shared == null) {
            throw new IllegalArgumentException("malformed shared subscription filter: " + topicFilter);
        }
        return shared;
    }

    private static void checkHashIsLast(String filter) {
        int hash = filter.indexOf('#');
        if (hash >= 0 && hash != filter.length() - 1) {
            throw new IllegalArgumentException("'#' must be the last level [MQTT-4.7.1-2]: " + filter);
        }
    }

    /** End (exclusive) of the level starting at {@code start}. */
    static int levelEnd(String s, int start) {
        int slash = s.indexOf('/', start);
        return slash < 0 ? s.length() : slash;
    }

    /** Start of the level after the one ending at {@code end}, or -1 when that was the last level. */
    static int nextLevelStart(String s, int end) {
        return end < s.length() ? end + 1 : -1;
    }

    /**
     * The state of one {@link #match} call. The walk is iterative (a topic may have thousands of levels); branches
     * not taken yet wait on a small stack that is allocated only when the trie actually branches.
     */
    private static final class Matcher {
        private static final Comparator<Subscription> BY_CLIENT = Comparator.comparing(s -> s.clientId);

        private final String topic;
        private final String publisher;
        private final LevelKey key = new LevelKey();

        private Subscription first;
        private Subscription[] found;
        private int foundCount;
        /** Nodes that contributed subscriptions; with more than one, a client may appear more than once. */
        private int contributingNodes;

        private SharedGroup firstGroup;
        private SharedGroup[] groups;
        private int groupCount;

        private Node[] pendingNodes;
        private int[] pendingStarts;
        private int pendingCount;

        Matcher(String topic, String publisher) {
            this.topic = topic;
            this.publisher = publisher;
        }

        void walk(Node root) {
            String t = topic;
            // [MQTT-4.7.2-1]: '+' and '#' as the first filter level do not match a topic starting with '$'.
            boolean dollar = !t.isEmpty() && t.charAt(0) == '$';
            Node node = root;
            int start = 0;
            while (true) {
                if (start < 0) {
                    // All topic levels consumed: filters ending here match, and so does "<here>/#" because '#'
                    // also matches its parent level [MQTT-4.7.1-2].
                    collect(node);
                    Node hash = node.hash;
                    if (hash != null) {
                        collect(hash);
                    }
                } else {
                    boolean wildcards = !(dollar && node == root);
                    Node hash = wildcards ? node.hash : null;
                    if (hash != null) {
                        collect(hash);
                    }
                    int end = levelEnd(t, start);
                    int next = nextLevelStart(t, end);
                    Node literal = node.child(key.set(t, start, end));
                    Node plus = wildcards ? node.plus : null;
                    if (literal != null) {
                        if (plus != null) {
                            push(plus, next);
                        }
                        node = literal;
                        start = next;
                        continue;
                    }
                    if (plus != null) {
                        node = plus;
                        start = next;
                        continue;
                    }
                }
                if (pendingCount == 0) {
                    return;
                }
                pendingCount--;
                node = pendingNodes[pendingCount];
                start = pendingStarts[pendingCount];
                pendingNodes[pendingCount] = null;
            }
        }

        private void push(Node node, int start) {
            if (pendingNodes == null) {
                pendingNodes = new Node[8];
                pendingStarts = new int[8];
            } else if (pendingCount == pendingNodes.length) {
                pendingNodes = Arrays.copyOf(pendingNodes, pendingCount * 2);
                pendingStarts = Arrays.copyOf(pendingStarts, pendingCount * 2);
            }
            pendingNodes[pendingCount] = node;
            pendingStarts[pendingCount] = start;
            pendingCount++;
        }

        private void collect(Node node) {
            Object subscriptions = node.subscriptions;
            if (subscriptions != null) {
                int before = foundCount;
                if (subscriptions instanceof Subscription[] flat) {
                    collect(flat);
                } else {
                    for (Subscription[] chunk : (Subscription[][]) subscriptions) {
                        collect(chunk);
                    }
                }
                if (foundCount > before) {
                    contributingNodes++;
                }
            }
            SharedGroup[] shared = node.sharedGroups;
            if (shared != null) {
                for (SharedGroup group : shared) {
                    addGroup(group);
                }
            }
        }

        private void collect(Subscription[] subscriptions) {
            for (Subscription subscription : subscriptions) {
                // No Local [MQTT-3.8.3-3]: not delivered back to the connection that published it.
                if (subscription.options.noLocal() && subscription.clientId.equals(publisher)) {
                    continue;
                }
                add(subscription);
            }
        }

        private void add(Subscription subscription) {
            if (foundCount == 0) {
                first = subscription;
            } else {
                if (found == null) {
                    found = new Subscription[8];
                    found[0] = first;
                } else if (foundCount == found.length) {
                    found = Arrays.copyOf(found, foundCount * 2);
                }
                found[foundCount] = subscription;
            }
            foundCount++;
        }

        private void addGroup(SharedGroup group) {
            if (groupCount == 0) {
                firstGroup = group;
            } else {
                if (groups == null) {
                    groups = new SharedGroup[4];
                    groups[0] = firstGroup;
                } else if (groupCount == groups.length) {
                    groups = Arrays.copyOf(groups, groupCount * 2);
                }
                groups[groupCount] = group;
            }
            groupCount++;
        }

        MatchResult result() {
            if (foundCount == 0 && groupCount == 0) {
                return MatchResult.EMPTY;
            }
            List<SharedGroup> sharedGroups = groupCount == 0 ? List.of()
                    : groupCount == 1 ? List.of(firstGroup)
                    : unmodifiable(groups, groupCount);
            return new MatchResult(subscribers(), sharedGroups);
        }

        private List<SubscriberMatch> subscribers() {
            if (foundCount == 0) {
                return List.of();
            }
            if (foundCount == 1) {
                return List.of(first.alone);
            }
            SubscriberMatch[] matches = new SubscriberMatch[foundCount];
            if (contributingNodes == 1) {
                // One node holds each client at most once: nothing to aggregate.
                for (int i = 0; i < foundCount; i++) {
                    matches[i] = found[i].alone;
                }
                return unmodifiable(matches, foundCount);
            }
            // Overlapping subscriptions of one client become one match [MQTT-3.3.4-2], [MQTT-3.3.4-3].
            Arrays.sort(found, 0, foundCount, BY_CLIENT);
            int count = 0;
            int runStart = 0;
            for (int i = 1; i <= foundCount; i++) {
                if (i == foundCount || !found[i].clientId.equals(found[runStart].clientId)) {
                    matches[count++] = i - runStart == 1 ? found[runStart].alone : aggregate(found, runStart, i);
                    runStart = i;
                }
            }
            return unmodifiable(matches, count);
        }

        private static SubscriberMatch aggregate(Subscription[] subscriptions, int from, int to) {
            QoS qos = QoS.AT_MOST_ONCE;
            boolean retainAsPublished = false;
            int[] identifiers = new int[to - from];
            int identifierCount = 0;
            for (int i = from; i < to; i++) {
                SubscriptionOptions options = subscriptions[i].options;
                if (options.maximumQos().value() > qos.value()) {
                    qos = options.maximumQos();
                }
                retainAsPublished |= options.retainAsPublished();
                if (subscriptions[i].subscriptionIdentifier != 0) {
                    identifiers[identifierCount++] = subscriptions[i].subscriptionIdentifier;
                }
            }
            // One entry per matching subscription, duplicates kept: two subscriptions that share an identifier make
            // it appear twice (5.0 section 3.3.4, the note after [MQTT-3.3.4-4]). Sorted only to be deterministic.
            Arrays.sort(identifiers, 0, identifierCount);
            List<Integer> all = new ArrayList<>(identifierCount);
            for (int i = 0; i < identifierCount; i++) {
                all.add(identifiers[i]);
            }
            return new SubscriberMatch(subscriptions[from].clientId, qos, retainAsPublished, List.copyOf(all));
        }

        private static <T> List<T> unmodifiable(T[] array, int count) {
            return count == 1 ? List.of(array[0])
                    : count == 2 ? List.of(array[0], array[1])
                    : Collections.unmodifiableList(Arrays.asList(array).subList(0, count));
        }
    }
}
