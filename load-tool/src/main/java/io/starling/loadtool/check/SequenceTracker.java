package io.starling.loadtool.check;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one receiver got of one publisher's stream of sequence numbers 0, 1, 2, ...: how many arrived, how many
 * twice, how many late (after a higher number), and, once the number sent is known, how many never arrived.
 *
 * <p>Cheap when all is well: in-order delivery only moves {@code next}. A skipped range becomes a gap; a late
 * message fills (splits) its gap and counts as reordered; a number below {@code next} outside every gap was already
 * received and counts as a duplicate. Memory grows with the number of distinct gaps, not with the stream.
 *
 * <p>Not thread-safe: one owner at a time (the subscriber's event loop; a shared subscription's group locks it).
 */
public final class SequenceTracker {
    /** Gaps below {@code next}: first missing number to last missing number, inclusive. */
    private final TreeMap<Integer, Integer> gaps = new TreeMap<>();
    private int next;
    private long received;
    private long duplicates;
    private long reordered;
    private long missingInGaps;

    /** What {@link #record} made of one message. */
    public enum Outcome { IN_ORDER, AHEAD, LATE, DUPLICATE, INVALID }

    public Outcome record(int sequence) {
        if (sequence < 0) {
            return Outcome.INVALID;
        }
        if (sequence == next) {
            next++;
            received++;
            return Outcome.IN_ORDER;
        }
        if (sequence > next) {
            gaps.put(next, sequence - 1);
            missingInGaps += sequence - next;
            next = sequence + 1;
            received++;
            return Outcome.AHEAD;
        }
        Map.Entry<Integer, Integer> gap = gaps.floorEntry(sequence);
        if (gap == null || gap.getValue() < sequence) {
            duplicates++;
            return Outcome.DUPLICATE;
        }
        fill(gap.getKey(), gap.getValue(), sequence);
        received++;
        reordered++;
        return Outcome.LATE;
    }

    private void fill(int first, int last, int sequence) {
        gaps.remove(first);
        if (first < sequence) {
            gaps.put(first, sequence - 1);
        }
        if (sequence < last) {
            gaps.put(sequence + 1, last);
        }
        missingInGaps--;
    }

    /** Messages counted once each. */
    public long received() {
        return received;
    }

    /** Messages that arrived again after they had been counted. */
    public long duplicates() {
        return duplicates;
    }

    /** Messages that arrived after a message with a higher sequence number. */
    public long reordered() {
        return reordered;
    }

    /**
     * Messages of the first {@code published} that never arrived. A number at or above {@code published} that did
     * arrive is not a loss; {@link #beyond} counts those.
     */
    public long lost(long published) {
        return Math.max(0, published - next) + missingBelow(published);
    }

    private long missingBelow(long published) {
        if (published >= next) {
            return missingInGaps;
        }
        long missing = 0;
        for (Map.Entry<Integer, Integer> gap : gaps.entrySet()) {
            if (gap.getKey() >= published) {
                break;
            }
            missing += Math.min(gap.getValue(), published - 1) - gap.getKey() + 1;
        }
        return missing;
    }

    /** Messages received with a sequence number at or above {@code published}: the publisher never sent them. */
    public long beyond(long published) {
        if (next <= published) {
            return 0;
        }
        long above = next - Math.max(published, 0);
        for (Map.Entry<Integer, Integer> gap : gaps.entrySet()) {
            long first = Math.max(gap.getKey(), published);
            if (first <= gap.getValue()) {
                above -= gap.getValue() - first + 1;
            }
        }
        return above;
    }

    /** The next sequence number expected in order (the highest received plus one). */
    public int next() {
        return next;
    }
}
