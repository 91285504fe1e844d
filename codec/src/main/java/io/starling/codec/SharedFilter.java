package io.starling.codec;

/** The parts of a shared subscription filter {@code $share/{shareName}/{topicFilter}} ([MQTT-4.8.2]). */
public record SharedFilter(String shareName, String topicFilter) {

    /** Splits a shared filter, or returns null when the filter is not a well-formed shared filter. */
    public static SharedFilter parse(String filter) {
        if (!Topics.isShared(filter)) {
            return null;
        }
        int slash = filter.indexOf('/', "$share/".length());
        if (slash < 0) {
            return null;
        }
        String shareName = filter.substring("$share/".length(), slash);
        String topicFilter = filter.substring(slash + 1);
        if (shareName.isEmpty() || shareName.indexOf('+') >= 0 || shareName.indexOf('#') >= 0 || topicFilter.isEmpty()) {
            return null;
        }
        return new SharedFilter(shareName, topicFilter);
    }
}
