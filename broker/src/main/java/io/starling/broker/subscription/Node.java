package io.starling.broker.subscription;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One level of the subscription trie. The subscriptions whose filter ends at this node are kept here; literal next
 * levels are in {@link #children}, a '+' next level in {@link #plus} and a '#' last level in {@link #hash}.
 *
 * <p>Readers see only volatile fields holding immutable data (or a concurrent map), so they need no lock. Every
 * mutation happens under the owning index's write lock and publishes a fresh array instead of changing one.
 *
 * <p>Non-shared subscriptions: {@link #subscriptions} is null (none), a {@code Subscription[]} of at most
 * {@code chunkSize} entries, or, for a filter with many subscribers, a {@code Subscription[][]} whose chunks are all
 * full except the last. The chunked form keeps a subscribe or unsubscribe on a hot filter (say 100,000 clients on
 * "broadcast/#") at O(chunkSize + n / chunkSize) copying instead of O(n), while readers still iterate an immutable
 * snapshot that cannot hold a client twice.
 */
final class Node {
    final Node parent;
    /** The literal level, "+" or "#"; null for the root. */
    final String level;

    volatile ConcurrentHashMap<String, Node> children;
    volatile Node plus;
    volatile Node hash;
    volatile Object subscriptions;
    volatile SharedGroup[] sharedGroups;

    /** Writer-only: position of each client in the chunked form; null in the other forms. */
    private Map<String, Integer> positions;

    Node(Node parent, String level) {
        this.parent = parent;
        this.level = level;
    }

    /** Lock-free lookup of a literal child. */
    Node child(Object key) {
        ConcurrentHashMap<String, Node> map = children;
        return map == null ? null : map.get(key);
    }

    // ---- writer side (index lock held) ----

    Node childOrCreate(String childLevel) {
        switch (childLevel) {
            case "+": {
                Node node = plus;
                if (node == null) {
                    node = new Node(this, childLevel);
                    plus = node;
                }
                return node;
            }
            case "#": {
                Node node = hash;
                if (node == null) {
                    node = new Node(this, childLevel);
                    hash = node;
                }
                return node;
            }
            default: {
                ConcurrentHashMap<String, Node> map = children;
                if (map == null) {
                    map = new ConcurrentHashMap<>(4);
                    children = map;
                }
                Node node = map.get(childLevel);
                if (node == null) {
                    node = new Node(this, childLevel);
                    map.put(childLevel, node);
                }
                return node;
            }
        }
    }

    Node existingChild(String childLevel) {
        switch (childLevel) {
            case "+":
                return plus;
            case "#":
                return hash;
            default:
                return child(childLevel);
        }
    }

    boolean isPrunable() {
        ConcurrentHashMap<String, Node> map = children;
        return subscriptions == null && sharedGroups == null && plus == null && hash == null
                && (map == null || map.isEmpty());
    }

    /** Unlinks an empty child so that churn of unique topics does not grow the trie. */
    void removeChild(Node child) {
        if (plus == child) {
            plus = null;
        } else if (hash == child) {
            hash = null;
        } else {
            ConcurrentHashMap<String, Node> map = children;
            if (map != null) {
                map.remove(child.level, child);
                if (map.isEmpty()) {
                    children = null;
                }
            }
        }
    }

    /** Adds or replaces the client's subscription; returns true when the client had none here. */
    boolean putSubscription(Subscription subscription, int chunkSize) {
        Object current = subscriptions;
        if (current == null) {
            subscriptions = new Subscription[] {subscription};
            return true;
        }
        if (current instanceof Subscription[] flat) {
            return putFlat(flat, subscription, chunkSize);
        }
        return putChunked((Subscription[][]) current, subscription, chunkSize);
    }

    private boolean putFlat(Subscription[] flat, Subscription subscription, int chunkSize) {
        int index = indexOf(flat, subscription.clientId);
        if (index >= 0) {
            Subscription[] copy = flat.clone();
            copy[index] = subscription;
            subscriptions = copy;
            return false;
        }
        if (flat.length < chunkSize) {
            Subscription[] copy = Arrays.copyOf(flat, flat.length + 1);
            copy[flat.length] = subscription;
            subscriptions = copy;
            return true;
        }
        Map<String, Integer> index2 = new HashMap<>(flat.length * 2 + 2);
        for (int i = 0; i < flat.length; i++) {
            index2.put(flat[i].clientId, i);
        }
        index2.put(subscription.clientId, flat.length);
        positions = index2;
        subscriptions = new Subscription[][] {flat, {subscription}};
        return true;
    }

    private boolean putChunked(Subscription[][] chunks, Subscription subscription, int chunkSize) {
        Integer position = positions.get(subscription.clientId);
        Subscription[][] next = chunks.clone();
        if (position != null) {
            int chunk = position / chunkSize;
            Subscription[] copy = chunks[chunk].clone();
            copy[position % chunkSize] = subscription;
            next[chunk] = copy;
            subscriptions = next;
            return false;
        }
        int lastIndex = chunks.length - 1;
        Subscription[] last = chunks[lastIndex];
        if (last.length < chunkSize) {
            Subscription[] copy = Arrays.copyOf(last, last.length + 1);
            copy[last.length] = subscription;
            next[lastIndex] = copy;
        } else {
            next = Arrays.copyOf(chunks, chunks.length + 1);
            next[chunks.length] = new Subscription[] {subscription};
        }
        positions.put(subscription.clientId, lastIndex * chunkSize + last.length);
        subscriptions = next;
        return true;
    }

    /** Removes the client's subscription; returns whether it existed. */
    boolean removeSubscription(String clientId, int chunkSize) {
        Object current = subscriptions;
        if (current == null) {
            return false;
        }
        if (current instanceof Subscription[] flat) {
            int index = indexOf(flat, clientId);
            if (index < 0) {
                return false;
            }
            if (flat.length == 1) {
                subscriptions = null;
                return true;
            }
            Subscription[] copy = new Subscription[flat.length - 1];
            System.arraycopy(flat, 0, copy, 0, index);
            System.arraycopy(flat, index + 1, copy, index, flat.length - index - 1);
            subscriptions = copy;
            return true;
        }
        return removeChunked((Subscription[][]) current, clientId, chunkSize);
    }

    private boolean removeChunked(Subscription[][] chunks, String clientId, int chunkSize) {
        Integer removed = positions.remove(clientId);
        if (removed == null) {
            return false;
        }
        int position = removed;
        int lastIndex = chunks.length - 1;
        Subscription[] last = chunks[lastIndex];
        int lastPosition = lastIndex * chunkSize + last.length - 1;
        Subscription moved = last[last.length - 1];
        // Drop the final entry, then move it into the hole (order of non-shared subscriptions carries no meaning).
        Subscription[][] next;
        if (last.length == 1) {
            next = Arrays.copyOf(chunks, lastIndex);
        } else {
            next = chunks.clone();
            next[lastIndex] = Arrays.copyOf(last, last.length - 1);
        }
        if (position != lastPosition) {
            int chunk = position / chunkSize;
            Subscription[] copy = next[chunk].clone();
            copy[position % chunkSize] = moved;
            next[chunk] = copy;
            positions.put(moved.clientId, position);
        }
        int remaining = lastPosition;
        if (remaining <= chunkSize / 2) {
            subscriptions = flatten(next, remaining);
            positions = null;
        } else {
            subscriptions = next;
        }
        return true;
    }

    private static Subscription[] flatten(Subscription[][] chunks, int count) {
        Subscription[] flat = new Subscription[count];
        int at = 0;
        for (Subscription[] chunk : chunks) {
            System.arraycopy(chunk, 0, flat, at, chunk.length);
            at += chunk.length;
        }
        return flat;
    }

    private static int indexOf(Subscription[] subscriptions, String clientId) {
        for (int i = 0; i < subscriptions.length; i++) {
            if (subscriptions[i].clientId.equals(clientId)) {
                return i;
            }
        }
        return -1;
    }

    /** Adds or replaces a shared member; returns true when the client was not a member of this group. */
    boolean putSharedMember(String shareName, String filter, SharedMember member) {
        SharedGroup[] groups = sharedGroups;
        SharedGroup group = findGroup(groups, shareName);
        if (group == null) {
            group = new SharedGroup(shareName, filter);
            group.put(member);
            SharedGroup[] next = groups == null ? new SharedGroup[1] : Arrays.copyOf(groups, groups.length + 1);
            next[next.length - 1] = group;
            sharedGroups = next;
            return true;
        }
        return group.put(member);
    }

    /** Removes a shared member; the group goes away with its last member. Returns whether the member existed. */
    boolean removeSharedMember(String shareName, String clientId) {
        SharedGroup[] groups = sharedGroups;
        SharedGroup group = findGroup(groups, shareName);
        if (group == null || !group.remove(clientId)) {
            return false;
        }
        if (group.isEmpty()) {
            if (groups.length == 1) {
                sharedGroups = null;
            } else {
                SharedGroup[] next = new SharedGroup[groups.length - 1];
                int at = 0;
                for (SharedGroup g : groups) {
                    if (g != group) {
                        next[at++] = g;
                    }
                }
                sharedGroups = next;
            }
        }
        return true;
    }

    private static SharedGroup findGroup(SharedGroup[] groups, String shareName) {
        if (groups != null) {
            for (SharedGroup group : groups) {
                if (group.shareName().equals(shareName)) {
                    return group;
                }
            }
        }
        return null;
    }
}
