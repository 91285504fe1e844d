package io.starling.loadtool.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Who publishes where and who should receive what. A receiver is one subscriber, or the subscribers of one shared
 * subscription together (each message reaches one of them); {@code receivers.get(r)} lists the publishers whose
 * every message receiver {@code r} should get.
 *
 * @param publishers   publisher n publishes to {@code publishers.get(n).topic()}
 * @param subscribers  each with its filters and receiver
 * @param receivers    per receiver, the publishers it hears from
 * @param topics       number of distinct topics published to
 * @param subscription a description of the filters, for the report
 */
public record Topology(List<Publisher> publishers, List<Subscriber> subscribers, List<List<Integer>> receivers,
                       int topics, String subscription) {

    public record Publisher(String topic) {
    }

    public record Subscriber(List<String> filters, int receiver) {
        public Subscriber {
            filters = List.copyOf(filters);
        }
    }

    public Topology {
        publishers = List.copyOf(publishers);
        subscribers = List.copyOf(subscribers);
        receivers = receivers.stream().map(List::copyOf).toList();
        Objects.requireNonNull(subscription, "subscription");
        if (publishers.isEmpty() || subscribers.isEmpty()) {
            throw new IllegalArgumentException("a run needs at least one publisher and one subscriber");
        }
    }

    /** Receivers that several subscribers feed (a shared subscription's group). */
    public boolean sharedReceivers() {
        return subscribers.size() > receivers.size();
    }

    /**
     * P publishers each to its own subscriber: publisher i publishes to {@code <prefix>/p2p/i}, subscriber i
     * subscribes to exactly that topic.
     */
    public static Topology pointToPoint(String prefix, int pairs) {
        requirePositive(pairs, "pairs");
        List<Publisher> publishers = new ArrayList<>();
        List<Subscriber> subscribers = new ArrayList<>();
        List<List<Integer>> receivers = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            String topic = prefix + "/p2p/" + i;
            publishers.add(new Publisher(topic));
            subscribers.add(new Subscriber(List.of(topic), i));
            receivers.add(List.of(i));
        }
        return new Topology(publishers, subscribers, receivers, pairs, prefix + "/p2p/<i>, one per subscriber");
    }

    /**
     * Few publishers, many subscribers on the same topics: publisher i publishes to {@code <prefix>/fan-out/(i mod
     * topics)}, every subscriber subscribes to every topic (one filter each, no wildcard), so every subscriber
     * receives every message.
     */
    public static Topology fanOut(String prefix, int publisherCount, int subscriberCount, int topicCount) {
        requirePositive(publisherCount, "publishers");
        requirePositive(subscriberCount, "subscribers");
        requirePositive(topicCount, "topics");
        if (topicCount > publisherCount) {
            throw new IllegalArgumentException("topics (" + topicCount + ") must not exceed publishers ("
                    + publisherCount + "): a topic nobody publishes to measures nothing");
        }
        List<String> topics = new ArrayList<>();
        for (int t = 0; t < topicCount; t++) {
            topics.add(prefix + "/fan-out/" + t);
        }
        List<Publisher> publishers = new ArrayList<>();
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < publisherCount; i++) {
            publishers.add(new Publisher(topics.get(i % topicCount)));
            all.add(i);
        }
        List<Subscriber> subscribers = new ArrayList<>();
        List<List<Integer>> receivers = new ArrayList<>();
        for (int s = 0; s < subscriberCount; s++) {
            subscribers.add(new Subscriber(topics, s));
            receivers.add(all);
        }
        return new Topology(publishers, subscribers, receivers, topicCount,
                prefix + "/fan-out/<t> for all " + topicCount + " topics");
    }

    /**
     * Many publishers, few subscribers: publisher i publishes to {@code <prefix>/fan-in/i}; each subscriber
     * subscribes to {@code <prefix>/fan-in/+} and receives everything, or, when {@code shared}, all subscribers
     * share {@code $share/bench/<prefix>/fan-in/+} and each message reaches one of them.
     */
    public static Topology fanIn(String prefix, int publisherCount, int subscriberCount, boolean shared) {
        requirePositive(publisherCount, "publishers");
        requirePositive(subscriberCount, "subscribers");
        List<Publisher> publishers = new ArrayList<>();
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < publisherCount; i++) {
            publishers.add(new Publisher(prefix + "/fan-in/" + i));
            all.add(i);
        }
        String wildcard = prefix + "/fan-in/+";
        String filter = shared ? "$share/bench/" + wildcard : wildcard;
        List<Subscriber> subscribers = new ArrayList<>();
        List<List<Integer>> receivers = new ArrayList<>();
        for (int s = 0; s < subscriberCount; s++) {
            subscribers.add(new Subscriber(List.of(filter), shared ? 0 : s));
            if (!shared) {
                receivers.add(all);
            }
        }
        if (shared) {
            receivers.add(all);
        }
        return new Topology(publishers, subscribers, receivers, publisherCount, filter);
    }

    private static void requirePositive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1: " + value);
        }
    }
}
