package io.starling.codec;

/**
 * Topic name and topic filter rules ([MQTT-4.7]). Names and filters are at least one character
 * ([MQTT-4.7.3-1]); names carry no wildcards ([MQTT-4.7.0-1]); in filters, '#' stands alone as the last level
 * ([MQTT-4.7.1-1]) and '+' fills a whole level ([MQTT-4.7.1-2]). Shared subscriptions are
 * {@code $share/{ShareName}/{filter}} with a non-empty share name free of '/', '+' and '#' ([MQTT-4.8.2-1],
 * [MQTT-4.8.2-2]).
 */
public final class Topics {
    private Topics() {
    }

    public static boolean isValidTopicName(String topicName) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Validates a filter, shared subscription filters included. */
    public static boolean isValidTopicFilter(String topicFilter) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Whether the filter contains '+' or '#' (for a shared filter: in its filter part). */
    public static boolean hasWildcard(String topicFilter) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public static boolean isShared(String topicFilter) {
        return topicFilter.startsWith("$share/");
    }

    /** Reference matcher; the broker uses an index, this is for tests and single checks. '$' topics are not
     * matched by a leading wildcard ([MQTT-4.7.2-1]). */
    public static boolean matches(String topicFilter, String topicName) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
