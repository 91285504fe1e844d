package io.starling.broker.retained;

import io.starling.broker.topic.LevelKey;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Retained messages by topic name, looked up by topic filter: a trie with one node per topic level, so that a
 * literal filter is a direct lookup and "a/b/#" visits only the subtree under "a/b".
 *
 * <p>Filter rules in {@link #match}: '+' matches exactly one level, possibly empty ([MQTT-4.7.1-3]; 5.0 numbering
 * [MQTT-4.7.1-2]); '#' matches its parent level and every level below ([MQTT-4.7.1-2]; 5.0 [MQTT-4.7.1-1]); a topic
 * starting with '$' is not matched by a filter whose first level is '+' or '#' ([MQTT-4.7.2-1]).
 *
 * <p>Concurrency: reads ({@link #get}, {@link #match}, {@link #forEach}, {@link #size}) take no lock and never fail
 * while writers run; each returns values as they were at some moment during the call. {@link #put} and
 * {@link #remove} serialize on one lock; remove prunes nodes left empty so that churn of unique topics does not grow
 * memory.
 *
 * @param <V> the retained message type
 */
public final class RetainedIndex<V> {
    private final Node<V> root = new Node<>(null, null);
    private final Object writeLock = new Object();
    private volatile int size;

    /** Stores {@code value} as the retained message of {@code topicName}; returns the previous one or null. */
    public V put(String topicName, V value) {
        Objects.requireNonNull(topicName, "topicName");
        Objects.requireNonNull(value, "value");
        synchronized (writeLock) {
            Node<V> node = root;
            int start = 0;
            while (start >= 0) {
                int end = levelEnd(topicName, start);
                node = node.childOrCreate(topicName.substring(start, end));
                start = nextLevelStart(topicName, end);
            }
            Entry<V> previous = node.entry;
            node.entry = new Entry<>(topicName, value);
            if (previous == null) {
                size++;
                return null;
            }
            return previous.value;
        }
    }

    /** Removes the retained message of {@code topicName}; returns it, or null when there was none. */
    public V remove(String topicName) {
        Objects.requireNonNull(topicName, "topicName");
        synchronized (writeLock) {
            Node<V> node = find(topicName);
            if (node == null || node.entry == null) {
                return null;
            }
            V previous = node.entry.value;
            node.entry = null;
            size--;
            while (node.parent != null && node.isPrunable()) {
                node.parent.removeChild(node);
                node = node.parent;
            }
            return previous;
        }
    }

    public V get(String topicName) {
        Objects.requireNonNull(topicName, "topicName");
        Node<V> node = find(topicName);
        Entry<V> entry = node == null ? null : node.entry;
        return entry == null ? null : entry.value;
    }

    /**
     * Every value whose topic matches {@code topicFilter} (never a shared filter), in no particular order. A filter
     * without wildcards is a single lookup.
     */
    public List<V> match(String topicFilter) {
        Objects.requireNonNull(topicFilter, "topicFilter");
        if (topicFilter.indexOf('+') < 0 && topicFilter.indexOf('#') < 0) {
            V value = get(topicFilter);
            return value == null ? List.of() : List.of(value);
        }
        List<V> out = new ArrayList<>();
        LevelKey key = new LevelKey();
        ArrayDeque<Frame<V>> pending = new ArrayDeque<>();
        pending.push(new Frame<>(root, 0));
        while (!pending.isEmpty()) {
            Frame<V> frame = pending.pop();
            Node<V> node = frame.node;
            if (frame.start < 0) {
                addValue(node, out);
                continue;
            }
            int end = levelEnd(topicFilter, frame.start);
            int next = nextLevelStart(topicFilter, end);
            // [MQTT-4.7.2-1]: a wildcard first level skips the topics starting with '$'.
            boolean skipDollar = node == root;
            if (end - frame.start == 1 && topicFilter.charAt(frame.start) == '#') {
                collectSubtree(node, skipDollar, out);
            } else if (end - frame.start == 1 && topicFilter.charAt(frame.start) == '+') {
                Map<String, Node<V>> children = node.children;
                if (children != null) {
                    for (Map.Entry<String, Node<V>> child : children.entrySet()) {
                        if (!(skipDollar && child.getKey().startsWith("$"))) {
                            pending.push(new Frame<>(child.getValue(), next));
                        }
                    }
                }
            } else {
                Node<V> child = node.child(key.set(topicFilter, frame.start, end));
                if (child != null) {
                    pending.push(new Frame<>(child, next));
                }
            }
        }
        return out;
    }

    /** Calls {@code action} for every retained message; runs concurrently with writers without failing. */
    public void forEach(BiConsumer<String, V> action) {
        Objects.requireNonNull(action, "action");
        ArrayDeque<Node<V>> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            Node<V> node = pending.pop();
            Entry<V> entry = node.entry;
            if (entry != null) {
                action.accept(entry.topicName, entry.value);
            }
            Map<String, Node<V>> children = node.children;
            if (children != null) {
                for (Node<V> child : children.values()) {
                    pending.push(child);
                }
            }
        }
    }

    public int size() {
        return size;
    }

    /** For tests: number of trie nodes, root included, to check pruning. */
    int nodeCount() {
        synchronized (writeLock) {
            int[] count = {0};
            ArrayDeque<Node<V>> pending = new ArrayDeque<>();
            pending.push(root);
            while (!pending.isEmpty()) {
                Node<V> node = pending.pop();
                count[0]++;
                if (node.children != null) {
                    node.children.values().forEach(pending::push);
                }
            }
            return count[0];
        }
    }

    /** '#' matches the level it follows and everything below ([MQTT-4.7.1-2]), hence the node itself is included. */
    private static <V> void collectSubtree(Node<V> top, boolean skipDollar, List<V> out) {
        ArrayDeque<Node<V>> pending = new ArrayDeque<>();
        addValue(top, out);
        pushChildren(top, skipDollar, pending);
        while (!pending.isEmpty()) {
            Node<V> node = pending.pop();
            addValue(node, out);
            pushChildren(node, false, pending);
        }
    }

    private static <V> void pushChildren(Node<V> node, boolean skipDollar, ArrayDeque<Node<V>> pending) {
        Map<String, Node<V>> children = node.children;
        if (children == null) {
            return;
        }
        for (Map.Entry<String, Node<V>> child : children.entrySet()) {
            if (!(skipDollar && child.getKey().startsWith("$"))) {
                pending.push(child.getValue());
            }
        }
    }

    private static <V> void addValue(Node<V> node, List<V> out) {
        Entry<V> entry = node.entry;
        if (entry != null) {
            out.add(entry.value);
        }
    }

    /** Lock-free walk to the node of a topic name, or null. */
    private Node<V> find(String topicName) {
        LevelKey key = new LevelKey();
        Node<V> node = root;
        int start = 0;
        while (start >= 0 && node != null) {
            int end = levelEnd(topicName, start);
            node = node.child(key.set(topicName, start, end));
            start = nextLevelStart(topicName, end);
        }
        return node;
    }

    private static int levelEnd(String s, int start) {
        int slash = s.indexOf('/', start);
        return slash < 0 ? s.length() : slash;
    }

    private static int nextLevelStart(String s, int end) {
        return end < s.length() ? end + 1 : -1;
    }

    /** A retained message together with its topic name, replaced as a whole so readers never see a mix. */
    private record Entry<V>(String topicName, V value) {
    }

    private record Frame<V>(Node<V> node, int start) {
    }

    private static final class Node<V> {
        final Node<V> parent;
        final String level;
        volatile ConcurrentHashMap<String, Node<V>> children;
        volatile Entry<V> entry;

        Node(Node<V> parent, String level) {
            this.parent = parent;
            this.level = level;
        }

        Node<V> child(Object key) {
            ConcurrentHashMap<String, Node<V>> map = children;
            return map == null ? null : map.get(key);
        }

        /** Writer lock held. */
        Node<V> childOrCreate(String childLevel) {
            ConcurrentHashMap<String, Node<V>> map = children;
            if (map == null) {
                map = new ConcurrentHashMap<>(4);
                children = map;
            }
            Node<V> node = map.get(childLevel);
            if (node == null) {
                node = new Node<>(this, childLevel);
                map.put(childLevel, node);
            }
            return node;
        }

        boolean isPrunable() {
            ConcurrentHashMap<String, Node<V>> map = children;
            return entry == null && (map == null || map.isEmpty());
        }

        /** Writer lock held. */
        void removeChild(Node<V> child) {
            ConcurrentHashMap<String, Node<V>> map = children;
            if (map != null) {
                map.remove(child.level, child);
                if (map.isEmpty()) {
                    children = null;
                }
            }
        }
    }
}
