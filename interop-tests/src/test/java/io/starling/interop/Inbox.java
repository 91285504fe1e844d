package io.starling.interop;

import org.awaitility.Awaitility;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The messages one connection received, in arrival order; filled by the client library's threads. */
public final class Inbox {
    private final String owner;
    private final List<Message> messages = new CopyOnWriteArrayList<>();

    public Inbox(String owner) {
        this.owner = owner;
    }

    public void add(Message message) {
        messages.add(message);
    }

    public List<Message> messages() {
        return List.copyOf(messages);
    }

    /** Waits until at least {@code count} messages arrived and returns all of them. */
    public List<Message> awaitCount(int count) {
        Awaitility.await(owner + " receives " + count + " message(s)")
                .atMost(Timeouts.WAIT)
                .until(() -> messages.size() >= count);
        return messages();
    }

    /** Waits until a message on the topic arrived and returns everything received so far. */
    public List<Message> awaitTopic(String topic) {
        Awaitility.await(owner + " receives a message on " + topic)
                .atMost(Timeouts.WAIT)
                .until(() -> messages.stream().anyMatch(m -> m.topic().equals(topic)));
        return messages();
    }

    @Override
    public String toString() {
        return owner + " " + messages;
    }
}
