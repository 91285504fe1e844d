package io.starling.broker.connection;

import io.starling.broker.config.FailedLoginDelayConfig;
import io.starling.broker.listener.ClientAddressKey;

import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How long to hold back the refusal of a CONNECT that failed authentication, per client address, so that guessing
 * passwords from one address gets slower and slower. Broker-wide and thread-safe; only failures touch it, so a
 * successful CONNECT costs nothing.
 *
 * <p>The first failure from an address is refused at once. Each further failure, while the address is remembered,
 * waits {@code initial × 2^(n-1)} (n: the failures before it), capped at {@code maximum}. An address with no
 * failure for {@code forgetAfter} starts afresh; at most {@code trackedAddresses} are remembered, the least
 * recently failing forgotten first, so the map stays bounded whatever the number of attackers. A success does not
 * wipe the record: an attacker holding one valid account cannot reset its count between guesses.
 *
 * <p>IPv4 addresses count one by one; IPv6 addresses per /64 network, since anyone holding one IPv6 address usually
 * holds the whole /64. Other kinds of address (Unix sockets, tests) count as themselves.
 *
 * <p>The delay itself is scheduled by the caller on the channel's event loop: nothing here blocks.
 */
public final class FailedLoginDelay {
    private final FailedLoginDelayConfig config;
    private final LongSupplier nanoClock;
    private final Map<Object, Failures> byAddress;

    private static final class Failures {
        int count;
        long lastNanos;
    }

    public FailedLoginDelay(FailedLoginDelayConfig config) {
        this(config, System::nanoTime);
    }

    FailedLoginDelay(FailedLoginDelayConfig config, LongSupplier nanoClock) {
        this.config = config;
        this.nanoClock = nanoClock;
        int limit = config.trackedAddresses();
        this.byAddress = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, Failures> eldest) {
                return size() > limit;
            }
        };
    }

    /**
     * Records one authentication failure from {@code address}.
     *
     * @return how long to wait before sending the refusal, in milliseconds (0: at once)
     */
    public long recordFailure(SocketAddress address) {
        if (!config.enabled() || address == null) {
            return 0;
        }
        Object key = keyOf(address);
        long now = nanoClock.getAsLong();
        long forgetNanos = config.forgetAfter().toNanos();
        int earlier;
        synchronized (byAddress) {
            Failures failures = byAddress.computeIfAbsent(key, k -> new Failures());
            if (failures.count > 0 && now - failures.lastNanos > forgetNanos) {
                failures.count = 0;
            }
            earlier = failures.count;
            if (failures.count < Integer.MAX_VALUE) {
                failures.count++;
            }
            failures.lastNanos = now;
        }
        return delayAfter(earlier);
    }

    /** The wait for a failure that follows {@code earlier} others. */
    long delayAfter(int earlier) {
        if (earlier == 0) {
            return 0;
        }
        long initial = config.initial().toMillis();
        long maximum = config.maximum().toMillis();
        int doublings = Math.min(earlier - 1, 40); // beyond 2^40 any initial delay is past any sensible maximum
        long delay = initial << doublings;
        return delay < 0 || delay > maximum ? maximum : delay;
    }

    /** How many addresses are remembered now. */
    public int trackedAddresses() {
        synchronized (byAddress) {
            return byAddress.size();
        }
    }

    /** The failures that count together (see {@link ClientAddressKey}). */
    static Object keyOf(SocketAddress address) {
        return ClientAddressKey.of(address);
    }
}
