package io.starling.loadtool.client;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import io.starling.codec.QoS;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Publish;
import io.starling.codec.packet.SubAck;
import io.starling.codec.packet.Subscribe;
import io.starling.codec.packet.SubscriptionOptions;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.property.MqttProperties;
import io.starling.loadtool.check.DeliverySink;
import io.starling.loadtool.report.LatencySummary;
import io.starling.loadtool.wire.AckPackets;
import io.starling.loadtool.wire.PayloadStamp;

import java.util.ArrayList;
import java.util.List;

/**
 * A subscriber: after CONNACK it subscribes to its filters (one SUBSCRIBE), and is ready once the SUBACK grants
 * them all. Each PUBLISH it receives is counted once and handed to its {@link DeliverySink}, then acknowledged as
 * its QoS asks: PUBACK for QoS 1 ([MQTT-4.3.2-4]); PUBREC for QoS 2 ([MQTT-4.3.3-8]), then PUBCOMP once PUBREL
 * arrives ([MQTT-4.3.3-11]). A QoS 2 PUBLISH whose packet identifier still awaits PUBREL is a resend: acknowledged
 * again, not counted again ([MQTT-4.3.3-10]).
 *
 * <p>Latency (receive time minus the stamped send time) goes into the loop's histogram for messages sent inside
 * the measured window; a message received inside it counts towards throughput.
 */
public final class SubscriberConnection extends ClientConnection {
    private static final int SUBSCRIBE_PACKET_ID = 1;

    /** What a subscriber received, read on its loop. */
    public record Stats(long received, long receivedMeasured, long resent) {
    }

    private final List<String> filters;
    private final QoS qos;
    private final DeliverySink sink;
    private final MeasurementWindow window;
    private final boolean recordLatency;
    /** QoS 2 packet identifiers received and not yet released; allocated with the first QoS 2 message. */
    private boolean[] awaitingRelease;
    private long subscribeSentNanos;
    private volatile long subAckNanos;
    private long received;
    private long receivedMeasured;
    private long resent;

    /**
     * @param recordLatency whether payload stamps are live send times (false for retained messages, sent long ago)
     */
    public SubscriberConnection(ClientSettings settings, String clientId, Loop loop, List<String> filters, QoS qos,
                                DeliverySink sink, MeasurementWindow window, boolean recordLatency) {
        super(settings, clientId, loop);
        if (filters.isEmpty()) {
            throw new IllegalArgumentException("a subscriber needs at least one filter");
        }
        this.filters = List.copyOf(filters);
        this.qos = qos;
        this.sink = sink;
        this.window = window;
        this.recordLatency = recordLatency;
    }

    @Override
    protected void onConnAck(ConnAck connAck) {
        List<TopicSubscription> subscriptions = new ArrayList<>();
        for (String filter : filters) {
            subscriptions.add(new TopicSubscription(filter, SubscriptionOptions.of(qos)));
        }
        subscribeSentNanos = System.nanoTime();
        write(new Subscribe(SUBSCRIBE_PACKET_ID, subscriptions, MqttProperties.EMPTY));
        flush();
    }

    @Override
    protected void onSubAck(SubAck subAck) {
        subAckNanos = System.nanoTime();
        if (subAck.packetId() != SUBSCRIBE_PACKET_ID || subAck.reasonCodes().size() != filters.size()) {
            fail("SUBACK does not answer the SUBSCRIBE: " + subAck);
            close();
            return;
        }
        for (int i = 0; i < filters.size(); i++) {
            ReasonCode code = subAck.reasonCodes().get(i);
            if (code.isError()) {
                fail(String.format("the broker refused the subscription to %s: SUBACK 0x%02X %s", filters.get(i),
                        code.value(), code));
                close();
                return;
            }
        }
        markReady();
    }

    /** System.nanoTime() when SUBSCRIBE was written; 0 before. */
    public Future<Long> subscribeSentNanos() {
        return loop().eventLoop().submit(() -> subscribeSentNanos);
    }

    /** System.nanoTime() when SUBACK arrived; 0 before. */
    public long subAckNanos() {
        return subAckNanos;
    }

    public Future<Stats> stats() {
        return loop().eventLoop().submit(() -> new Stats(received, receivedMeasured, resent));
    }

    @Override
    protected void onPublish(Publish publish) {
        try {
            int packetId = publish.packetId();
            switch (publish.qos()) {
                case AT_MOST_ONCE -> count(publish);
                case AT_LEAST_ONCE -> {
                    count(publish);
                    write(AckPackets.pubAck(ctx.alloc(), packetId));
                }
                case EXACTLY_ONCE -> {
                    if (awaitingRelease == null) {
                        awaitingRelease = new boolean[65536];
                    }
                    if (awaitingRelease[packetId]) {
                        resent++;
                    } else {
                        awaitingRelease[packetId] = true;
                        count(publish);
                    }
                    write(AckPackets.pubRec(ctx.alloc(), packetId));
                }
            }
        } finally {
            publish.release();
        }
    }

    private void count(Publish publish) {
        long now = System.nanoTime();
        ByteBuf payload = publish.payload();
        received++;
        if (window.contains(now)) {
            receivedMeasured++;
        }
        if (recordLatency && PayloadStamp.fits(payload)) {
            long sent = PayloadStamp.sentNanos(payload);
            if (window.contains(sent)) {
                LatencySummary.record(loop().latency(), now - sent);
            }
        }
        sink.deliver(payload, publish.topic(), publish.retainFlag(), now);
    }

    @Override
    protected void onPubRel(int packetId) {
        // A PUBREL for an identifier not awaiting one is still answered: the flow may have completed before.
        if (awaitingRelease != null) {
            awaitingRelease[packetId] = false;
        }
        write(AckPackets.pubComp(ctx.alloc(), packetId));
    }
}
