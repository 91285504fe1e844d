package io.starling.it.kit;

import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

/** What a client received, appended by client threads and awaited (never slept on) by the test thread. */
public final class Inbox<T> {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final List<T> items = new CopyOnWriteArrayList<>();
    private final String name;

    public Inbox(String name) {
        this.name = name;
    }

    public void add(T item) {
        items.add(item);
    }

    public List<T> snapshot() {
        return List.copyOf(items);
    }

    public int size() {
        return items.size();
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    /** Waits until at least {@code count} items arrived; returns all items so far. */
    public List<T> awaitCount(int count) {
        return awaitCount(count, DEFAULT_TIMEOUT);
    }

    public List<T> awaitCount(int count, Duration timeout) {
        Awaitility.await(name + " has " + count + " items (has " + describe() + ")")
                .dontCatchUncaughtExceptions()
                .atMost(timeout)
                .until(() -> items.size() >= count);
        return snapshot();
    }

    /** Waits until an item matches; returns the first matching one. */
    public T await(Predicate<T> condition) {
        return await(condition, DEFAULT_TIMEOUT);
    }

    public T await(Predicate<T> condition, Duration timeout) {
        Awaitility.await(name + " receives a matching item (has " + describe() + ")")
                .dontCatchUncaughtExceptions()
                .atMost(timeout)
                .until(() -> items.stream().anyMatch(condition));
        return items.stream().filter(condition).findFirst().orElseThrow();
    }

    /**
     * Waits for a marker item (the positive signal sent after everything else) and returns everything received
     * up to and including it: the basis of every "nothing else arrived" assertion.
     */
    public List<T> awaitMarker(Predicate<T> marker) {
        await(marker);
        List<T> upToMarker = new ArrayList<>();
        for (T item : items) {
            upToMarker.add(item);
            if (marker.test(item)) {
                break;
            }
        }
        return upToMarker;
    }

    /** The items for a failure message: all of them when few, else the count and the last ten. */
    private String describe() {
        List<T> now = snapshot();
        if (now.size() <= 20) {
            return now.toString();
        }
        return now.size() + " items, the last ten " + now.subList(now.size() - 10, now.size());
    }

    public <R> List<R> map(Function<T, R> mapper) {
        return items.stream().map(mapper).toList();
    }

    @Override
    public String toString() {
        return name + items;
    }
}
