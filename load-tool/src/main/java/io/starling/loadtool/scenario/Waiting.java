package io.starling.loadtool.scenario;

import io.starling.loadtool.client.BenchException;
import io.starling.loadtool.client.ClientConnection;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** How the thread that drives a run waits: always bounded by a deadline, polling at a short, fixed interval. */
final class Waiting {
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private Waiting() {
    }

    /**
     * Waits until {@code condition} holds or {@code timeout} passes, whichever comes first.
     *
     * @return whether the condition held
     */
    static boolean until(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long maxPolls = timeout.toNanos() / POLL_NANOS + 2;
        for (long poll = 0; poll < maxPolls; poll++) {
            if (condition.getAsBoolean()) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(Math.min(left, POLL_NANOS));
            if (Thread.currentThread().isInterrupted()) {
                throw new BenchException("interrupted");
            }
        }
        return condition.getAsBoolean();
    }

    /**
     * Waits out {@code duration} (a warm-up, a measured interval) unless {@code stopEarly} holds sooner, or a
     * connection fails.
     */
    static void during(Duration duration, Collection<? extends ClientConnection> watched, BooleanSupplier stopEarly) {
        until(() -> stopEarly.getAsBoolean() || firstFailure(watched) != null, duration);
    }

    /** Waits until every connection is ready; throws the first failure, or a timeout naming how many are not. */
    static void ready(Collection<? extends ClientConnection> connections, Duration timeout, String what) {
        boolean settled = until(() -> firstFailure(connections) != null
                || connections.stream().allMatch(c -> c.ready().isDone()), timeout);
        String failure = firstFailure(connections);
        if (failure != null) {
            throw new BenchException(failure);
        }
        if (!settled) {
            long waiting = connections.stream().filter(c -> !c.ready().isDone()).count();
            throw new BenchException(waiting + " of " + connections.size() + " " + what + " not ready after "
                    + timeout.toMillis() + " ms (no CONNACK or SUBACK)");
        }
    }

    /** The first failure among the connections, or null. */
    static String firstFailure(Collection<? extends ClientConnection> connections) {
        for (ClientConnection connection : connections) {
            String failure = connection.failure();
            if (failure != null) {
                return failure;
            }
        }
        return null;
    }

    /** Disconnects every connection and waits (bounded) until they are closed. */
    static void disconnectAll(Collection<? extends ClientConnection> connections, Duration timeout) {
        for (ClientConnection connection : connections) {
            connection.disconnect();
        }
        until(() -> connections.stream().allMatch(c -> c.closed().isDone()), timeout);
    }
}
