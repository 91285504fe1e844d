package io.starling.broker.routing;

import io.starling.broker.session.Session;
import io.starling.broker.storage.StoreOperation;

import java.util.List;

/**
 * A message whose receivers are known but who have not been handed it yet: the store writes it needs come first
 * (its retained copy, and its deliveries to persistent sessions), then {@link #dispatch()} - or {@link #discard()}
 * when those writes failed and the publisher is told so instead. Exactly one of the two is called, once, so every
 * payload reference it holds is released exactly once.
 */
public final class RoutedMessage {

    /** One delivery to one session. */
    record Target(Session session, Delivery delivery) {
    }

    private final ApplicationMessage message;
    private final List<Target> targets;
    private final List<StoreOperation> storeOperations;
    private final int receivers;
    private final Router router;
    private boolean done;

    RoutedMessage(ApplicationMessage message, List<Target> targets, List<StoreOperation> storeOperations,
                  int receivers, Router router) {
        this.message = message;
        this.targets = targets;
        this.storeOperations = storeOperations;
        this.receivers = receivers;
        this.router = router;
    }

    /** What must be stored before the message is acknowledged or delivered; empty when nothing. */
    public List<StoreOperation> storeOperations() {
        return storeOperations;
    }

    /** How many subscriptions (a shared group counting once) receive it: 0 means No matching subscribers. */
    public int receivers() {
        return receivers;
    }

    /** Updates the retained messages and hands every delivery to its session. */
    public void dispatch() {
        finish();
        try {
            if (message.retain()) {
                router.retained().store(message);
            }
            for (Target target : targets) {
                target.session().post(target.delivery());
            }
        } finally {
            message.releasePayload();
        }
    }

    /** Drops the message: nothing is delivered or retained. */
    public void discard() {
        finish();
        for (Target target : targets) {
            target.delivery().message().releasePayload();
        }
        message.releasePayload();
    }

    private void finish() {
        if (done) {
            throw new IllegalStateException("a routed message is dispatched or discarded once");
        }
        done = true;
    }
}
