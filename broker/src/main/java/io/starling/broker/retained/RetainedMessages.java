package io.starling.broker.retained;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.IllegalReferenceCountException;
import io.starling.broker.routing.ApplicationMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * The last retained message of every topic ([MQTT-3.3.1-5]): stored on a PUBLISH with RETAIN set, replaced by the
 * next one ([MQTT-3.3.1-5]), deleted by one with an empty payload ([MQTT-3.3.1-6], [MQTT-3.3.1-7]), and handed to
 * every new matching subscription. A stored message owns a compact copy of its payload, so it never pins the
 * network buffer it arrived in; expired messages ([MQTT-3.3.2-5]) are dropped when next looked at.
 */
public final class RetainedMessages {
    private final RetainedIndex<ApplicationMessage> index = new RetainedIndex<>();

    /**
     * Stores, replaces or (empty payload) deletes the retained message of the message's topic. Writers serialize on
     * this object (retained updates are rare next to plain publishes; lookups never lock).
     */
    public synchronized void store(ApplicationMessage message) {
        ApplicationMessage previous;
        if (message.payload().readableBytes() == 0) {
            previous = index.remove(message.topic());
        } else {
            ByteBuf copy = Unpooled.copiedBuffer(message.payload());
            previous = index.put(message.topic(), new ApplicationMessage(message.topic(), message.qos(), true,
                    message.properties(), copy, message.expiresAtMillis(), message.publisherClientId()));
        }
        if (previous != null) {
            previous.releasePayload();
        }
    }

    /**
     * The retained messages matching a filter, each with one payload reference taken for the caller. A message
     * replaced concurrently may already be released; it is skipped, since its successor is what the caller should
     * see anyway.
     */
    public List<ApplicationMessage> match(String topicFilter) {
        long now = System.currentTimeMillis();
        List<ApplicationMessage> matches = new ArrayList<>();
        for (ApplicationMessage message : index.match(topicFilter)) {
            if (message.isExpired(now)) {
                removeIfSame(message);
                continue;
            }
            try {
                matches.add(message.retainPayload());
            } catch (IllegalReferenceCountException replacedMeanwhile) {
                // released by a concurrent replace or delete: skip it
            }
        }
        return matches;
    }

    private synchronized void removeIfSame(ApplicationMessage expired) {
        if (index.get(expired.topic()) == expired) {
            index.remove(expired.topic());
            expired.releasePayload();
        }
    }

    /** Whether a retained message is stored for exactly this topic. */
    public boolean contains(String topic) {
        return index.get(topic) != null;
    }

    public int size() {
        return index.size();
    }

    /** Releases every stored payload; the broker calls it once when it stops. */
    public synchronized void clear() {
        List<String> topics = new ArrayList<>();
        index.forEach((topic, message) -> topics.add(topic));
        for (String topic : topics) {
            ApplicationMessage removed = index.remove(topic);
            if (removed != null) {
                removed.releasePayload();
            }
        }
    }
}
