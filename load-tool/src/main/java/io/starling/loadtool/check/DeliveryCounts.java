package io.starling.loadtool.check;

/**
 * The verification of a run, summed over every (receiver, publisher) stream: deliveries expected from what the
 * publishers sent, received once, never received, received again, received late, and received although nothing
 * was sent to that receiver (or with a stamp that is not ours).
 */
public record DeliveryCounts(long expected, long received, long lost, long duplicates, long reordered,
                             long unexpected) {
    public static final DeliveryCounts NONE = new DeliveryCounts(0, 0, 0, 0, 0, 0);

    public DeliveryCounts plus(DeliveryCounts other) {
        return new DeliveryCounts(expected + other.expected, received + other.received, lost + other.lost,
                duplicates + other.duplicates, reordered + other.reordered, unexpected + other.unexpected);
    }

    /** Whether every expected delivery arrived exactly once and nothing else did. */
    public boolean exact() {
        return lost == 0 && duplicates == 0 && unexpected == 0 && received == expected;
    }
}
