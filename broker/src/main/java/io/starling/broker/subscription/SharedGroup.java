package io.starling.broker.subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The members of one shared subscription {@code $share/{shareName}/{topicFilter}} ([MQTT-4.8.2]). Each matching
 * message goes to one member only; choosing it is the caller's job, helped by {@link #nextStartIndex()}.
 *
 * <p>Mutated only by {@link SubscriptionIndex} under its write lock; the member list is replaced, never changed in
 * place, so readers always see a complete snapshot.
 */
public final class SharedGroup {
    private final String shareName;
    private final String topicFilter;
    private final AtomicInteger cursor = new AtomicInteger();
    private volatile List<SharedMember> members = List.of();

    SharedGroup(String shareName, String topicFilter) {
        this.shareName = shareName;
        this.topicFilter = topicFilter;
    }

    public String shareName() {
        return shareName;
    }

    /** The filter part, without the {@code $share/{shareName}/} prefix. */
    public String topicFilter() {
        return topicFilter;
    }

    /** A snapshot of the members in subscribe order; later subscribes and unsubscribes do not change it. */
    public List<SharedMember> members() {
        return members;
    }

    /**
     * A start position for round robin: advances by one on every call, taken modulo the current number of members
     * (0 when the group has none).
     */
    public int nextStartIndex() {
        int count = members.size();
        if (count == 0) {
            return 0;
        }
        return Math.floorMod(cursor.getAndIncrement(), count);
    }

    /** Adds the member or replaces the client's entry in place; returns true when it was new. Writer lock held. */
    boolean put(SharedMember member) {
        List<SharedMember> current = members;
        List<SharedMember> next = new ArrayList<>(current.size() + 1);
        boolean added = true;
        for (SharedMember existing : current) {
            if (existing.clientId().equals(member.clientId())) {
                next.add(member);
                added = false;
            } else {
                next.add(existing);
            }
        }
        if (added) {
            next.add(member);
        }
        members = List.copyOf(next);
        return added;
    }

    /** Removes the client's entry; returns whether there was one. Writer lock held. */
    boolean remove(String clientId) {
        List<SharedMember> current = members;
        List<SharedMember> next = new ArrayList<>(current.size());
        for (SharedMember existing : current) {
            if (!existing.clientId().equals(clientId)) {
                next.add(existing);
            }
        }
        if (next.size() == current.size()) {
            return false;
        }
        members = List.copyOf(next);
        return true;
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    @Override
    public String toString() {
        return "$share/" + shareName + "/" + topicFilter + members;
    }
}
