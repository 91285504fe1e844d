package io.starling.broker.connection;

import io.netty.util.concurrent.EventExecutor;
import io.starling.broker.persistence.Persistence;
import io.starling.broker.storage.StoreOperation;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs what a connection does after its packets' store writes, in the order the packets arrived, whatever order
 * the writes finish in: acknowledgements go out in the order of the PUBLISHes they answer ([MQTT-4.6.0-2],
 * [MQTT-4.6.0-3]) and messages reach subscribers in their publisher's order ([MQTT-4.6.0-6]), even when only some of
 * them had to be stored. A step that needs no write runs at once when nothing is waiting, so the in-memory path
 * costs nothing.
 *
 * <p>Confined to the connection's executor; write completions hop back to it.
 */
final class StoreOrderedReplies {

    /** What to do once a step's write is done. */
    interface Step {
        /** The write is durable (or there was none). */
        void stored();

        /** The write failed: nothing was stored, the sender must not be told otherwise. */
        void failed(Throwable error);

        /** The broker is stopping and the executor is gone: release what the step holds, nothing else. */
        default void abandoned() {
        }
    }

    private static final class Waiting {
        final Step step;
        boolean done;
        Throwable error;

        Waiting(Step step) {
            this.step = step;
        }
    }

    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final EventExecutor executor;
    private final Persistence persistence;

    StoreOrderedReplies(EventExecutor executor, Persistence persistence) {
        this.executor = executor;
        this.persistence = persistence;
    }

    /** Writes {@code operations} (if any), then runs {@code step} after every step queued before it. */
    void after(List<StoreOperation> operations, Step step) {
        if (operations.isEmpty() && waiting.isEmpty()) {
            step.stored();
            return;
        }
        Waiting entry = new Waiting(step);
        waiting.addLast(entry);
        if (operations.isEmpty()) {
            entry.done = true;
            return; // runs when the steps before it are done
        }
        persistence.write(operations).whenComplete((ignored, error) -> {
            try {
                executor.execute(() -> {
                    entry.done = true;
                    entry.error = error;
                    runReadySteps();
                });
            } catch (RejectedExecutionException stopping) {
                abandonAll(); // the loops have stopped: nothing runs this deque any more but this thread
            }
        });
    }

    /** Runs an immediate step in order: at once when nothing waits, else after what waits. */
    void inOrder(Runnable reply) {
        after(List.of(), new Step() {
            @Override
            public void stored() {
                reply.run();
            }

            @Override
            public void failed(Throwable error) {
                reply.run();
            }
        });
    }

    private void abandonAll() {
        Waiting entry;
        while ((entry = waiting.pollFirst()) != null) {
            entry.step.abandoned();
        }
    }

    private void runReadySteps() {
        while (!waiting.isEmpty() && waiting.peekFirst().done) {
            Waiting head = waiting.pollFirst();
            if (head.error == null) {
                head.step.stored();
            } else {
                head.step.failed(head.error);
            }
        }
    }
}
