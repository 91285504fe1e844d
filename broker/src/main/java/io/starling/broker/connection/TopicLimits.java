package io.starling.broker.connection;

import io.starling.broker.config.ConnectionConfig;
import io.starling.codec.SharedFilter;

/**
 * The operator's limits on topics, {@code connection.maximum-topic-length} (UTF-8 bytes) and
 * {@code connection.maximum-topic-levels}, applied to PUBLISH topic names, SUBSCRIBE topic filters and will topics.
 * A topic over a limit is well formed but not accepted, which MQTT 5 reports as 0x90 Topic Name invalid (PUBLISH,
 * will) or 0x8F Topic Filter invalid (SUBSCRIBE); what each packet's sender is told is decided where the packet is
 * handled ({@link MqttConnection}, {@link ConnectHandler}).
 *
 * <p>Levels are the parts between '/' separators, empty ones included: {@code a/b} has two, {@code a//b} and
 * {@code /a/b} three. The levels of a shared subscription are those of its filter after {@code $share/{name}/}; its
 * length is that of the whole filter as sent. With the defaults (65535 bytes, 200 levels) only the level count
 * costs a scan of the topic, which stops at the first level over the limit.
 *
 * @param maximumLength the longest topic accepted, in UTF-8 bytes; 65535 (the protocol's own limit) checks nothing
 * @param maximumLevels the most levels accepted; 0: no limit
 */
public record TopicLimits(int maximumLength, int maximumLevels) {

    /** The limits of {@code connection}. */
    public static TopicLimits of(ConnectionConfig connection) {
        return new TopicLimits(connection.maximumTopicLength(), connection.maximumTopicLevels());
    }

    /** Why a PUBLISH or will topic is refused (for logs and Reason Strings), or null when it is within the limits. */
    public String nameProblem(String topic) {
        return problem(topic, topic);
    }

    /** Why a SUBSCRIBE topic filter is refused, or null; {@code shared} is its parsed form when it is shared. */
    public String filterProblem(String filter, SharedFilter shared) {
        return problem(filter, shared != null ? shared.topicFilter() : filter);
    }

    private String problem(String whole, String levelsOf) {
        if (maximumLength < ConnectionConfig.PROTOCOL_MAXIMUM_TOPIC_LENGTH && whole.length() > maximumLength / 3
                && utf8Length(whole, maximumLength) > maximumLength) {
            return "topic longer than " + maximumLength + " bytes (connection.maximum-topic-length)";
        }
        if (maximumLevels > 0 && exceedsLevels(levelsOf, maximumLevels)) {
            return "topic with more than " + maximumLevels + " levels (connection.maximum-topic-levels)";
        }
        return null;
    }

    /**
     * The UTF-8 length of {@code text}, counted only up to just past {@code stopAbove}: a surrogate pair is four
     * bytes, other characters one to three. (Topics that reach here were decoded from valid UTF-8, so surrogates
     * come in pairs.)
     */
    static int utf8Length(String text, int stopAbove) {
        int bytes = 0;
        int length = text.length();
        for (int i = 0; i < length && bytes <= stopAbove; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** Whether {@code topic} has more than {@code maximum} levels, that is at least {@code maximum} separators. */
    static boolean exceedsLevels(String topic, int maximum) {
        int separators = 0;
        int from = 0;
        while ((from = topic.indexOf('/', from)) >= 0) {
            if (++separators >= maximum) {
                return true;
            }
            from++;
        }
        return false;
    }
}
