package io.starling.loadtool.scenario;

import io.starling.codec.QoS;
import io.starling.loadtool.wire.PayloadStamp;

import java.time.Duration;
import java.util.Objects;

/**
 * The traffic of a publish/subscribe scenario.
 *
 * @param qos                  QoS of every PUBLISH and of every subscription
 * @param payloadSize          payload bytes, at least {@link PayloadStamp#SIZE} (the stamp)
 * @param ratePerSecond        messages per second over all publishers, split evenly; 0 for closed loop
 * @param window               QoS 1/2 messages in flight per publisher (closed loop; a cap at fixed rate)
 * @param warmup               traffic before the measured interval: connections, JIT and caches settle
 * @param duration             the measured interval
 * @param messagesPerPublisher stop each publisher after this many messages; 0 for no limit (the duration ends
 *                             the run)
 * @param drainTimeout         after publishing stops, how long to wait for messages still in flight
 */
public record TrafficSettings(QoS qos, int payloadSize, double ratePerSecond, int window, Duration warmup,
                              Duration duration, long messagesPerPublisher, Duration drainTimeout) {
    public TrafficSettings {
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        if (payloadSize < PayloadStamp.SIZE) {
            throw new IllegalArgumentException("payload must be at least " + PayloadStamp.SIZE
                    + " bytes (publisher, sequence number and send time): " + payloadSize);
        }
        if (ratePerSecond < 0 || Double.isNaN(ratePerSecond) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate must be 0 (closed loop) or positive: " + ratePerSecond);
        }
        if (window < 1 || window > 65535) {
            throw new IllegalArgumentException("window must be 1..65535: " + window);
        }
        if (warmup.isNegative() || duration.isNegative() || duration.isZero() || drainTimeout.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative, and the duration must be positive");
        }
        if (messagesPerPublisher < 0) {
            throw new IllegalArgumentException("message limit must not be negative: " + messagesPerPublisher);
        }
    }

    public boolean closedLoop() {
        return ratePerSecond == 0;
    }
}
