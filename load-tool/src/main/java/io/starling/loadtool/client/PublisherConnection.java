package io.starling.loadtool.client;

import io.netty.util.concurrent.Future;
import io.starling.codec.QoS;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.ConnAck;
import io.starling.loadtool.wire.AckPackets;
import io.starling.loadtool.wire.PublishSource;

/**
 * A publisher: sends message 0, 1, 2, ... of its {@link PublishSource}, stamped with its number and the sequence
 * number, and completes the QoS 1 (PUBLISH, PUBACK: [MQTT-4.3.2-1] to [MQTT-4.3.2-3]) or QoS 2 (PUBLISH, PUBREC,
 * PUBREL, PUBCOMP: [MQTT-4.3.3-1] to [MQTT-4.3.3-5]) flow of each.
 *
 * <p>Pacing, see {@link Pacing}: closed loop keeps {@code window} messages in flight (QoS 1/2: a new PUBLISH for
 * each completed flow; QoS 0: as fast as the channel takes them, in batches, pausing while it is not writable);
 * fixed rate sends message {@code n} at {@code start + n / rate}, stamped with that intended time so a stalled
 * tool or broker shows up in the latencies instead of silently lowering the rate. Writes are flushed once per
 * batch (per read batch of acknowledgements, per timer tick).
 */
public final class PublisherConnection extends ClientConnection {
    /** QoS 0 closed loop: messages written per turn of the event loop before letting other work in. */
    private static final int QOS0_BATCH = 256;
    private static final int MAX_PACKET_ID = 65535;
    private static final byte FREE = 0;
    private static final byte AWAITING_ACK = 1;
    private static final byte AWAITING_COMPLETION = 2;

    /**
     * How a publisher paces itself.
     *
     * @param ratePerSecond messages per second of this publisher; 0 for closed loop
     * @param window        most QoS 1/2 messages in flight (lowered to the broker's MQTT 5 Receive Maximum)
     */
    public record Pacing(double ratePerSecond, int window) {
        public Pacing {
            if (ratePerSecond < 0 || Double.isNaN(ratePerSecond)) {
                throw new IllegalArgumentException("rate must not be negative: " + ratePerSecond);
            }
            if (window < 1 || window > MAX_PACKET_ID) {
                throw new IllegalArgumentException("window must be 1..65535: " + window);
            }
        }

        public boolean closedLoop() {
            return ratePerSecond == 0;
        }
    }

    /** What a publisher did, read on its loop. */
    public record Stats(int published, long publishedMeasured, long acknowledged, long rejected, int inFlight,
                        String firstRejection) {
    }

    private final int number;
    private final PublishSource source;
    private final QoS qos;
    private final Pacing pacing;
    private final long limit;
    private final MeasurementWindow window;
    private final byte[] packetIdStates;
    private int lastPacketId;
    private int inFlight;
    private int effectiveWindow;
    private int sequence;
    private long acknowledged;
    private long rejected;
    private String firstRejection;
    private long publishedMeasured;
    private boolean running;
    private boolean stopped;
    private boolean pumpScheduled;
    private long rateStartNanos;
    private double intervalNanos;
    private volatile boolean doneSending;
    private volatile boolean settled;

    /**
     * @param number the publisher's number in the run (stamped into every payload)
     * @param limit  how many messages to send at most; the run's end stops it earlier
     */
    public PublisherConnection(ClientSettings settings, String clientId, Loop loop, int number, PublishSource source,
                               Pacing pacing, long limit, MeasurementWindow window) {
        super(settings, clientId, loop);
        this.number = number;
        this.source = source;
        this.qos = source.qos();
        this.pacing = pacing;
        this.limit = Math.min(limit, Integer.MAX_VALUE);
        this.window = window;
        this.packetIdStates = qos == QoS.AT_MOST_ONCE ? null : new byte[MAX_PACKET_ID + 1];
        this.effectiveWindow = pacing.window();
    }

    @Override
    protected void onConnAck(ConnAck connAck) {
        // [MQTT-3.3.4-7]: never more unacknowledged QoS 1/2 PUBLISHes than the server's Receive Maximum.
        Integer receiveMaximum = connAck.properties().receiveMaximum();
        if (receiveMaximum != null) {
            effectiveWindow = Math.min(effectiveWindow, receiveMaximum);
        }
        Integer maximumQos = connAck.properties().maximumQos();
        if (maximumQos != null && qos.value() > maximumQos) {
            fail("the broker's Maximum QoS is " + maximumQos + ", the run needs QoS " + qos.value());
            close();
            return;
        }
        markReady();
    }

    /** Starts sending; from any thread. */
    public void start() {
        loop().eventLoop().execute(() -> {
            if (!isOpen() || running || stopped) {
                return;
            }
            running = true;
            rateStartNanos = System.nanoTime();
            if (pacing.closedLoop()) {
                pump();
                flush();
            } else {
                intervalNanos = 1e9 / pacing.ratePerSecond();
                loop().pace(this);
            }
        });
    }

    /** Stops sending new messages; flows in progress still complete. From any thread. */
    public void stop() {
        loop().eventLoop().execute(() -> {
            stopped = true;
            finishSending();
        });
    }

    /** Whether it sends no more: stopped, at its limit, or closed. */
    public boolean doneSending() {
        return doneSending;
    }

    /** Whether it sends no more and every flow it started is complete. */
    public boolean settled() {
        return settled;
    }

    public int number() {
        return number;
    }

    public Future<Stats> stats() {
        return loop().eventLoop().submit(() -> new Stats(sequence, publishedMeasured, acknowledged, rejected,
                inFlight, firstRejection));
    }

    // ------------------------------------------------------------------------------------------------- sending

    /** Closed loop: fills the window (QoS 1/2) or writes one batch (QoS 0). */
    private void pump() {
        if (!running) {
            return;
        }
        if (qos == QoS.AT_MOST_ONCE) {
            int batch = 0;
            while (sequence < limit && batch < QOS0_BATCH && isWritable()) {
                long now = System.nanoTime();
                send(now, now);
                batch++;
            }
            if (sequence < limit && isWritable() && !pumpScheduled) {
                // More to send and room for it: come back after the loop has served its other channels.
                pumpScheduled = true;
                ctx.executor().execute(() -> {
                    pumpScheduled = false;
                    pump();
                    flush();
                });
            }
        } else {
            while (sequence < limit && inFlight < effectiveWindow) {
                long now = System.nanoTime();
                send(now, now);
            }
        }
        if (sequence >= limit) {
            finishSending();
        }
    }

    /** Fixed rate: sends the messages due by {@code now} that the window or the channel lets through. */
    void tick(long now) {
        if (!running) {
            return;
        }
        long due = Math.min(limit, (long) ((now - rateStartNanos) / intervalNanos) + 1);
        while (sequence < due && canSend()) {
            send(rateStartNanos + (long) (sequence * intervalNanos), now);
        }
        flush();
        if (sequence >= limit) {
            finishSending();
        }
    }

    /**
     * Fixed rate: when the next message is due (System.nanoTime()); Long.MAX_VALUE when nothing is to be sent or
     * the window or the channel blocks it (an acknowledgement or writability resumes it, see {@link #resume()}).
     */
    long nextDueNanos() {
        if (!running || sequence >= limit || !canSend()) {
            return Long.MAX_VALUE;
        }
        return rateStartNanos + (long) (sequence * intervalNanos);
    }

    /** Fixed rate: sends what became due while blocked, and sets the loop's timer for the next one. */
    private void resume() {
        if (running) {
            tick(System.nanoTime());
            loop().wakeAt(nextDueNanos());
        }
    }

    private boolean canSend() {
        return qos == QoS.AT_MOST_ONCE ? isWritable() : inFlight < effectiveWindow;
    }

    private void send(long stampNanos, long now) {
        int packetId = 0;
        if (qos != QoS.AT_MOST_ONCE) {
            packetId = nextFreePacketId();
            packetIdStates[packetId] = AWAITING_ACK;
            inFlight++;
        }
        write(source.render(ctx.alloc(), packetId, number, sequence, stampNanos));
        sequence++;
        if (window.contains(now)) {
            publishedMeasured++;
        }
    }

    /** The next identifier after the last one used that is not in flight ([MQTT-2.2.1-3]; 3.1.1: [MQTT-2.3.1-1]). */
    private int nextFreePacketId() {
        for (int tries = 0; tries < MAX_PACKET_ID; tries++) {
            lastPacketId = lastPacketId == MAX_PACKET_ID ? 1 : lastPacketId + 1;
            if (packetIdStates[lastPacketId] == FREE) {
                return lastPacketId;
            }
        }
        throw new IllegalStateException("all 65535 packet identifiers in flight"); // the window is at most 65535
    }

    private void finishSending() {
        running = false;
        loop().unpace(this);
        if (!doneSending) {
            doneSending = true;
        }
        updateSettled();
    }

    private void updateSettled() {
        if (doneSending && inFlight == 0 && !settled) {
            settled = true;
        }
    }

    // ------------------------------------------------------------------------------------------ acknowledgements

    @Override
    protected void onPubAck(int packetId, ReasonCode reasonCode) {
        if (qos != QoS.AT_LEAST_ONCE || packetIdStates[packetId] != AWAITING_ACK) {
            fail("PUBACK for packet identifier " + packetId + ", which is not awaiting one");
            return;
        }
        complete(packetId, reasonCode);
    }

    @Override
    protected void onPubRec(int packetId, ReasonCode reasonCode) {
        if (qos != QoS.EXACTLY_ONCE || packetIdStates[packetId] != AWAITING_ACK) {
            fail("PUBREC for packet identifier " + packetId + ", which is not awaiting one");
            return;
        }
        if (reasonCode.isError()) {
            complete(packetId, reasonCode); // PUBREL only after a PUBREC below 0x80 ([MQTT-4.3.3-4])
            return;
        }
        packetIdStates[packetId] = AWAITING_COMPLETION;
        write(AckPackets.pubRel(ctx.alloc(), packetId));
    }

    @Override
    protected void onPubComp(int packetId) {
        if (qos != QoS.EXACTLY_ONCE || packetIdStates[packetId] != AWAITING_COMPLETION) {
            fail("PUBCOMP for packet identifier " + packetId + ", which is not awaiting one");
            return;
        }
        complete(packetId, ReasonCode.SUCCESS);
    }

    private void complete(int packetId, ReasonCode reasonCode) {
        packetIdStates[packetId] = FREE;
        inFlight--;
        if (reasonCode.isError()) {
            rejected++;
            if (firstRejection == null) {
                firstRejection = String.format("0x%02X %s", reasonCode.value(), reasonCode);
            }
        } else {
            acknowledged++;
        }
    }

    @Override
    protected void afterRead() {
        if (pacing.closedLoop()) {
            pump();
        } else {
            resume();
        }
        updateSettled();
    }

    @Override
    protected void writable() {
        if (pacing.closedLoop()) {
            pump();
        } else {
            resume();
        }
    }

    @Override
    protected void onClosed() {
        stopped = true;
        finishSending();
    }
}
