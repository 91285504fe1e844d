package io.starling.loadtool.client;

/**
 * The measured interval of a run, between warm-up and drain, on the System.nanoTime() clock. Set by the thread
 * that drives the run, read by every event loop: a message counts towards throughput when it is received inside
 * the window, and towards latency when it was sent inside it.
 */
public final class MeasurementWindow {
    private volatile long start = Long.MAX_VALUE;
    private volatile long end = Long.MAX_VALUE;

    public void begin(long nanos) {
        start = nanos;
    }

    public void end(long nanos) {
        end = nanos;
    }

    public boolean contains(long nanos) {
        return nanos >= start && nanos <= end;
    }

    public long startNanos() {
        return start;
    }

    public long endNanos() {
        return end;
    }
}
