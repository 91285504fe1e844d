package io.starling.broker.topic;

/**
 * A lookup key for one level of a topic, i.e. the characters {@code [from, to)} of a string, usable with
 * {@code Map<String, ?>.get} without allocating the substring. {@link java.util.Map#get} compares with
 * {@code Objects.equals(key, k)}, i.e. calls this key's {@code equals} with the stored String, and the hash code is
 * computed exactly as {@link String#hashCode()} would be for the substring. Never stored in a map. Not thread-safe:
 * one instance per lookup sequence. Shared by the subscription index and the retained index, whose tries are both
 * keyed by topic level.
 */
public final class LevelKey {
    private String source;
    private int from;
    private int to;
    private int hash;

    public LevelKey set(String source, int from, int to) {
        this.source = source;
        this.from = from;
        this.to = to;
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + source.charAt(i);
        }
        this.hash = h;
        return this;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof String string)) {
            return false;
        }
        int length = to - from;
        return string.length() == length && source.regionMatches(from, string, 0, length);
    }

    @Override
    public String toString() {
        return source.substring(from, to);
    }
}
