package io.starling.broker.listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.starling.broker.connection.TokenBucket;
import io.starling.broker.metrics.BrokerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A listener's {@code max-connection-rate}: how many new connections per second one client address may open, with
 * bursts of as many. A connection over it is closed at once, before a byte of MQTT is read, counted in
 * {@link BrokerMetrics#connectionsOverRateLimit()} and logged at most once every 10 s per listener. Shared by the
 * listener's event loops.
 *
 * <p>The address is {@link ListenerAttributes#clientAddress}: on a listener with {@code proxy-protocol} it is only
 * known once the PROXY header has been read, so there the check runs in the handler {@link #newCheck()} makes,
 * placed after the PROXY handler, when the first bytes after the header arrive; elsewhere the initializer asks
 * {@link #admit} as the connection is accepted. IPv4 addresses count one by one, IPv6 addresses per /64 network
 * (whoever holds one address of a /64 usually holds them all), other kinds of address as themselves.
 *
 * <p>Each address has a {@link TokenBucket}. At most {@code trackedAddresses} are remembered, the least recently
 * seen forgotten first, and an address whose bucket has refilled (idle for a second or more) is forgotten as soon as
 * it is the least recently seen one: it would start with a full bucket anyway.
 */
final class ConnectionRateLimit {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionRateLimit.class);
    /** Addresses remembered at most, about 150 bytes each. */
    static final int TRACKED_ADDRESSES = 65_536;
    /** Idle addresses forgotten per admission at most, so that forgetting never needs a sweep of the map. */
    private static final int FORGOTTEN_PER_ADMISSION = 2;

    private final String listenerName;
    private final int perSecond;
    private final BrokerMetrics metrics;
    private final LongSupplier nanoClock;
    private final Map<Object, TokenBucket> buckets;
    private final RateLimitedLog refusals = new RateLimitedLog(LOG, Duration.ofSeconds(10));

    /** {@code perSecond} 0 means no limit. */
    ConnectionRateLimit(String listenerName, int perSecond, BrokerMetrics metrics) {
        this(listenerName, perSecond, metrics, System::nanoTime, TRACKED_ADDRESSES);
    }

    ConnectionRateLimit(String listenerName, int perSecond, BrokerMetrics metrics, LongSupplier nanoClock,
                        int trackedAddresses) {
        this.listenerName = listenerName;
        this.perSecond = perSecond;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, TokenBucket> eldest) {
                return size() > trackedAddresses;
            }
        };
    }

    /** Whether the listener has a limit at all. */
    boolean enabled() {
        return perSecond > 0;
    }

    /**
     * Counts a new connection for its client address and returns true, or returns false when the address is over
     * the limit (counted and logged); the caller then closes the channel.
     */
    boolean admit(Channel channel) {
        if (perSecond == 0) {
            return true;
        }
        SocketAddress address = ListenerAttributes.clientAddress(channel);
        if (address == null) {
            return true;
        }
        Object key = keyOf(address);
        boolean admitted;
        synchronized (buckets) {
            long now = nanoClock.getAsLong();
            forgetIdle(now);
            TokenBucket bucket = buckets.get(key);
            if (bucket == null) {
                bucket = new TokenBucket(perSecond, perSecond, now);
                buckets.put(key, bucket);
            }
            admitted = bucket.tryTake(1, now);
        }
        if (!admitted) {
            metrics.connectionOverRateLimit();
            refusals.warn(() -> "Listener " + listenerName + ": " + address + " opens more than " + perSecond
                    + " connections per second (max-connection-rate): closing the new connection");
        }
        return admitted;
    }

    /** Addresses remembered now. */
    int trackedAddresses() {
        synchronized (buckets) {
            return buckets.size();
        }
    }

    /** Forgets the least recently seen addresses while their bucket is full again; a few per call. */
    private void forgetIdle(long now) {
        Iterator<TokenBucket> eldest = buckets.values().iterator();
        for (int i = 0; i < FORGOTTEN_PER_ADMISSION && eldest.hasNext(); i++) {
            if (!eldest.next().isFull(now)) {
                return;
            }
            eldest.remove();
        }
    }

    /** The connections that count together (see {@link ClientAddressKey}). */
    static Object keyOf(SocketAddress address) {
        return ClientAddressKey.of(address);
    }

    /** A handler for a listener with {@code proxy-protocol}: checks once the PROXY header has given the address. */
    ChannelInboundHandler newCheck() {
        return new AfterProxyHeader();
    }

    /**
     * Placed after the PROXY handler: the first bytes that reach it come after the header, so the client's address
     * is known; it admits the connection and removes itself, or closes it.
     */
    private final class AfterProxyHeader extends ChannelInboundHandlerAdapter {
        private boolean refused;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (refused) {
                ReferenceCountUtil.release(message);
                return;
            }
            if (admit(ctx.channel())) {
                ctx.pipeline().remove(this);
                ctx.fireChannelRead(message);
                return;
            }
            refused = true;
            ReferenceCountUtil.release(message);
            ctx.close();
        }
    }
}
