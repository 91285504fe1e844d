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

    /** Longest topic name or filter: a UTF-8 Encoded String holds at most 65,535 bytes ([MQTT-1.5.4]). */
    public static final int MAX_LENGTH_BYTES = 65_535;

    private static final String SHARE_PREFIX = "$share/";

    /**
     * A topic name a client may publish to: at least one character, no wildcard, no U+0000, no unpaired
     * surrogate (it could not be encoded as UTF-8), at most 65,535 UTF-8 bytes.
     */
    public static boolean isValidTopicName(String topicName) {
        if (topicName == null || topicName.isEmpty()) {
            return false; // [MQTT-4.7.3-1]
        }
        int length = topicName.length();
        for (int i = 0; i < length; i++) {
            char c = topicName.charAt(i);
            if (c == '+' || c == '#') {
                return false; // [MQTT-4.7.0-1]
            }
        }
        return isEncodableString(topicName);
    }

    /** Validates a filter, shared subscription filters included. */
    public static boolean isValidTopicFilter(String topicFilter) {
        if (topicFilter == null || topicFilter.isEmpty() || !isEncodableString(topicFilter)) {
            return false; // [MQTT-4.7.3-1]
        }
        int start = 0;
        if (isShared(topicFilter)) {
            int slash = topicFilter.indexOf('/', SHARE_PREFIX.length());
            if (slash <= SHARE_PREFIX.length() || slash == topicFilter.length() - 1) {
                return false; // share name and filter both at least one character ([MQTT-4.8.2-1])
            }
            for (int i = SHARE_PREFIX.length(); i < slash; i++) {
                char c = topicFilter.charAt(i);
                if (c == '+' || c == '#') {
                    return false; // [MQTT-4.8.2-2]
                }
            }
            start = slash + 1;
        }
        return isValidFilterLevels(topicFilter, start);
    }

    /** '#' only as a whole last level ([MQTT-4.7.1-1]), '+' only as a whole level ([MQTT-4.7.1-2]). */
    private static boolean isValidFilterLevels(String filter, int start) {
        int length = filter.length();
        for (int i = start; i < length; i++) {
            char c = filter.charAt(i);
            if (c == '#' || c == '+') {
                boolean levelStart = i == start || filter.charAt(i - 1) == '/';
                boolean levelEnd = i == length - 1 || filter.charAt(i + 1) == '/';
                if (!levelStart || !levelEnd) {
                    return false;
                }
                if (c == '#' && i != length - 1) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether the string can be sent as a UTF-8 Encoded String: no U+0000 ([MQTT-1.5.4-2]), no unpaired
     * surrogate ([MQTT-1.5.4-1]) and at most 65,535 bytes once encoded.
     */
    static boolean isEncodableString(String value) {
        int length = value.length();
        if (length > MAX_LENGTH_BYTES) {
            return false; // every char is at least one byte
        }
        long bytes = 0;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c == 0) {
                return false;
            }
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= length || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return false;
                }
                i++;
                bytes += 4;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            } else {
                bytes += 3;
            }
        }
        return bytes <= MAX_LENGTH_BYTES;
    }

    /** Whether the filter contains '+' or '#' (for a shared filter: in its filter part). */
    public static boolean hasWildcard(String topicFilter) {
        int start = 0;
        if (isShared(topicFilter)) {
            int slash = topicFilter.indexOf('/', SHARE_PREFIX.length());
            start = slash < 0 ? topicFilter.length() : slash + 1;
        }
        for (int i = start; i < topicFilter.length(); i++) {
            char c = topicFilter.charAt(i);
            if (c == '+' || c == '#') {
                return true;
            }
        }
        return false;
    }

    public static boolean isShared(String topicFilter) {
        return topicFilter.startsWith(SHARE_PREFIX);
    }

    /**
     * Reference matcher; the broker uses an index, this is for tests and single checks. '$' topics are not
     * matched by a leading wildcard ([MQTT-4.7.2-1]). '#' also matches the parent level ("sport/#" matches
     * "sport"), '+' matches an empty level. A shared filter matches with its filter part. Both arguments are
     * assumed valid.
     */
    public static boolean matches(String topicFilter, String topicName) {
        String filter = topicFilter;
        if (isShared(filter)) {
            SharedFilter shared = SharedFilter.parse(filter);
            if (shared == null) {
                return false;
            }
            filter = shared.topicFilter();
        }
        if (!topicName.isEmpty() && topicName.charAt(0) == '$' && !filter.isEmpty()
                && (filter.charAt(0) == '+' || filter.charAt(0) == '#')) {
            return false; // [MQTT-4.7.2-1]
        }
        int filterLength = filter.length();
        int nameLength = topicName.length();
        int f = 0; // start of the current filter level
        int n = 0; // start of the current name level; nameLength + 1 once the name has no level left
        while (true) {
            int filterEnd = filter.indexOf('/', f);
            if (filterEnd < 0) {
                filterEnd = filterLength;
            }
            int levelLength = filterEnd - f;
            if (levelLength == 1 && filter.charAt(f) == '#') {
                return true; // the remaining levels, or none: '#' includes the parent level
            }
            if (n > nameLength) {
                return false; // the filter has a level the name lacks
            }
            int nameEnd = topicName.indexOf('/', n);
            if (nameEnd < 0) {
                nameEnd = nameLength;
            }
            boolean plus = levelLength == 1 && filter.charAt(f) == '+';
            if (!plus && (levelLength != nameEnd - n || !filter.regionMatches(f, topicName, n, levelLength))) {
                return false;
            }
            boolean lastFilterLevel = filterEnd == filterLength;
            boolean lastNameLevel = nameEnd == nameLength;
            if (lastFilterLevel) {
                return lastNameLevel;
            }
            f = filterEnd + 1;
            n = lastNameLevel ? nameLength + 1 : nameEnd + 1;
        }
    }
}
