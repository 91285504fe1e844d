package io.starling.interop;

import java.util.List;
import java.util.Optional;

/**
 * What every driver's connection keeps the same way: its name for failure messages, its inbox, and what CONNACK and
 * SUBACK said. Drivers fill these in as their client library reports them.
 */
abstract class BaseConnection implements Connection {
    protected String name;
    protected Inbox inbox;
    protected boolean sessionPresent;
    protected List<Integer> granted = List.of();

    @Override
    public String describe() {
        return name;
    }

    @Override
    public Optional<Boolean> sessionPresent() {
        return Optional.of(sessionPresent);
    }

    @Override
    public List<Integer> grantedQos() {
        return granted;
    }

    @Override
    public Inbox inbox() {
        return inbox;
    }
}
