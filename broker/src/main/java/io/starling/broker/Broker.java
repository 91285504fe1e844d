package io.starling.broker;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.connection.MqttConnection;
import io.starling.broker.listener.MqttChannelInitializer;
import io.starling.broker.listener.PipelineNames;
import io.starling.broker.listener.Transport;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.retained.RetainedMessages;
import io.starling.broker.routing.Router;
import io.starling.broker.persistence.Persistence;
import io.starling.broker.persistence.StateRestorer;
import io.starling.broker.routing.ApplicationMessage;
import io.starling.broker.session.SessionRegistry;
import io.starling.broker.storage.BrokerStore;
import io.starling.broker.spi.Authenticator;
import io.starling.broker.spi.Authorizer;
import io.starling.broker.spi.EnhancedAuthenticator;
import io.starling.broker.subscription.SubscriptionIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A running broker: the embedding API. {@code Broker.start(config)} binds every listener and returns once they
 * accept connections; {@link #close()} stops accepting, tells MQTT 5 clients the server is shutting down
 * (DISCONNECT 0x8B), closes every connection and releases all threads.
 *
 * <pre>{@code
 * try (Broker broker = Broker.start(BrokerConfig.DEFAULT.withListener("127.0.0.1", 0))) {
 *     int port = broker.port();
 *     // connect clients to 127.0.0.1:port
 * }
 * }</pre>
 *
 * <p>Threads: one acceptor thread, and as many I/O threads as the machine has cores; sessions run on the I/O
 * threads (see {@link SessionRegistry}).
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private static final long QUIET_PERIOD_MILLIS = 50;

    private final BrokerConfig config;
    private final EventLoopGroup acceptorGroup;
    private final EventLoopGroup ioGroup;
    private final BrokerContext context;
    private final RetainedMessages retained;
    private final BrokerStore store;
    private final List<Channel> serverChannels = new ArrayList<>();
    private final List<InetSocketAddress> localAddresses = new ArrayList<>();
    private boolean closed;

    private Broker(BrokerConfig config, Authenticator authenticator, Authorizer authorizer,
                   List<EnhancedAuthenticator> enhancedAuthenticators, BrokerStore store) {
        this.config = config;
        this.store = store;
        Transport transport = Transport.best();
        this.acceptorGroup = transport.newGroup(1, "starling-accept");
        this.ioGroup = transport.newGroup(Runtime.getRuntime().availableProcessors(), "starling-io");
        BrokerMetrics metrics = new BrokerMetrics();
        SubscriptionIndex subscriptions = new SubscriptionIndex();
        Persistence persistence = new Persistence(store, metrics);
        SessionRegistry sessions = new SessionRegistry(ioGroup, config.session(), metrics, subscriptions, persistence);
        this.retained = new RetainedMessages();
        Router router = new Router(subscriptions, sessions, retained, metrics, persistence);
        sessions.sharedHandback(router);
        sessions.willPublisher((clientId, will) -> router.publish(
                ApplicationMessage.fromWill(will, clientId, System.currentTimeMillis()), sessions.executorFor(clientId)));
        ChannelGroup channels = new DefaultChannelGroup("starling-connections", GlobalEventExecutor.INSTANCE);
        Map<String, EnhancedAuthenticator> mechanisms = new HashMap<>();
        for (EnhancedAuthenticator mechanism : enhancedAuthenticators) {
            if (mechanisms.put(mechanism.method(), mechanism) != null) {
                throw new BrokerStartException("two enhanced authentication mechanisms for " + mechanism.method(), null);
            }
        }
        this.context = new BrokerContext(config, sessions, subscriptions, router, authenticator, authorizer,
                mechanisms, metrics, channels);
        try {
            if (store != null) {
                new StateRestorer(persistence, sessions, subscriptions, retained, router)
                        .restore(store.load(config.session().queuedMessagesInMemory()
                                + config.session().maximumInflight()), System.currentTimeMillis());
            }
            for (ListenerConfig listener : config.listeners()) {
                bind(transport, listener);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.debug("Broker started ({} transport): listening on {}", transport.name(), localAddresses);
    }

    /** Starts a broker with no authentication and no access control. */
    public static Broker start(BrokerConfig config) {
        return start(config, Authenticator.ALLOW_ANONYMOUS, Authorizer.ALLOW_ALL);
    }

    /** Starts a broker with the given security back-ends; throws {@link BrokerStartException} when a listener cannot bind. */
    public static Broker start(BrokerConfig config, Authenticator authenticator, Authorizer authorizer) {
        return start(config, authenticator, authorizer, List.of());
    }

    /**
     * Starts a broker with security back-ends and MQTT 5 enhanced authentication mechanisms (one per
     * Authentication Method).
     */
    public static Broker start(BrokerConfig config, Authenticator authenticator, Authorizer authorizer,
                               List<EnhancedAuthenticator> enhancedAuthenticators) {
        return start(config, authenticator, authorizer, enhancedAuthenticators, null);
    }

    /**
     * Starts a broker that keeps its state in {@code store} (null: in memory only, as with durability
     * {@code none}). The broker restores what the store holds before it accepts connections, and takes the store
     * over: {@link #close()} closes it after the last write. The {@code storage} settings of the configuration
     * are for whoever opens the store (the {@code starling broker} command); the broker itself follows the store's
     * own durability.
     */
    public static Broker start(BrokerConfig config, Authenticator authenticator, Authorizer authorizer,
                               List<EnhancedAuthenticator> enhancedAuthenticators, BrokerStore store) {
        try {
            return new Broker(config, authenticator, authorizer, enhancedAuthenticators, store);
        } catch (RuntimeException e) {
            if (store != null) {
                store.close();
            }
            throw e;
        }
    }

    private void bind(Transport transport, ListenerConfig listener) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptorGroup, ioGroup)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // Above 256 KiB of unsent data a connection counts as slow and its session queues instead.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(128 * 1024, 256 * 1024))
                .childHandler(MqttChannelInitializer.forListener(context, listener, acceptorGroup));
        try {
            Channel channel = bootstrap.bind(listener.bind(), listener.port()).sync().channel();
            serverChannels.add(channel);
            localAddresses.add((InetSocketAddress) channel.localAddress());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerStartException("interrupted while binding " + listener.bind() + ":" + listener.port(), e);
        } catch (Exception e) {
            String cause = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new BrokerStartException("cannot listen on " + listener.bind() + ":" + listener.port() + " ("
                    + listener.name() + "): " + cause, e);
        }
    }

    /** The bound addresses, one per listener, in configuration order (actual ports when 0 was asked). */
    public List<InetSocketAddress> localAddresses() {
        return List.copyOf(localAddresses);
    }

    /** The actual port of the first listener. */
    public int port() {
        return localAddresses().get(0).getPort();
    }

    public BrokerConfig config() {
        return config;
    }

    public BrokerMetrics metrics() {
        return context.metrics();
    }

    /** How many sessions exist, online or not. */
    public int sessionCount() {
        return context.sessions().size();
    }

    /**
     * Waits until the work that closing channels left on the loops has run: a closed channel tears its pipeline
     * down, and notifies its promises, with tasks that hop between the channel's loop and its session's loop. A
     * few rounds of a no-op task on every loop let those hops finish before any loop stops, so no loop is asked
     * to run a task after it has shut down.
     */
    private void drainEventLoops(long graceMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        for (int round = 0; round < 3; round++) {
            List<io.netty.util.concurrent.Future<?>> barriers = new ArrayList<>();
            ioGroup.forEach(loop -> barriers.add(loop.submit(() -> { })));
            for (io.netty.util.concurrent.Future<?> barrier : barriers) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !barrier.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                    return;
                }
            }
        }
    }

    /** Stops the broker; idempotent, returns when every connection is closed and every thread has stopped. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Channel channel : serverChannels) {
            channel.close().syncUninterruptibly();
        }
        for (Channel channel : context.channels()) {
            ChannelHandlerContext connection = channel.pipeline().context(PipelineNames.CONNECTION);
            if (connection != null) {
                MqttConnection handler = (MqttConnection) connection.handler();
                connection.executor().execute(handler::shutdown);
            } else {
                channel.close();
            }
        }
        long graceMillis = config.shutdownGracePeriod().toMillis();
        if (!context.channels().newCloseFuture().awaitUninterruptibly(graceMillis, TimeUnit.MILLISECONDS)) {
            context.channels().close().awaitUninterruptibly(graceMillis, TimeUnit.MILLISECONDS);
        }
        drainEventLoops(graceMillis);
        // A short quiet period: a closing channel's pipeline is torn down by tasks that hop between the channel's
        // loop and its session's loop, and both must still accept tasks until that is done.
        ioGroup.shutdownGracefully(QUIET_PERIOD_MILLIS, graceMillis, TimeUnit.MILLISECONDS).syncUninterruptibly();
        acceptorGroup.shutdownGracefully(0, graceMillis, TimeUnit.MILLISECONDS).syncUninterruptibly();
        context.sessions().releaseAllForShutdown();
        retained.clear();
        if (store != null) {
            store.close(); // after the loops: every write they made is in its queue, and is flushed now
        }
        LOG.debug("Broker stopped");
    }
}
