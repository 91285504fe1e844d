package io.starling.broker.listener;

import io.netty.util.concurrent.DefaultThreadFactory;

/** Event loop threads named after their role, so that thread dumps and logs say who is who. */
final class NamedThreadFactory extends DefaultThreadFactory {
    NamedThreadFactory(String prefix) {
        super(prefix, false);
    }
}
