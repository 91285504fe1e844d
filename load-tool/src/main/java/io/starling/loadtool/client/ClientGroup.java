package io.starling.loadtool.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.starling.codec.MqttPacketDecoder;
import io.starling.codec.netty.MqttChannelAttributes;
import io.starling.codec.netty.MqttFrameDecoder;
import io.starling.codec.netty.MqttPacketEncoderHandler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The tool's threads: a few Netty event loops (epoll where available, NIO elsewhere) that every client connection
 * of a run is pinned to, round robin. Each connection's pipeline is our codec: {@link MqttFrameDecoder},
 * {@link MqttPacketEncoderHandler} (which lets pre-encoded buffers through untouched), then the
 * {@link ClientConnection}.
 */
public final class ClientGroup implements AutoCloseable {
    /** A publisher's channel stops taking QoS 0 messages above this much unsent data, until it drains. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    /** The tool accepts any packet the protocol can express: it reads back only what its own clients caused. */
    private static final int MAXIMUM_PACKET_SIZE = MqttPacketDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE;

    private final EventLoopGroup group;
    private final List<Loop> loops = new ArrayList<>();
    private final Class<? extends SocketChannel> channelClass;
    private final String transport;

    public ClientGroup(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        IoHandlerFactory handlers;
        if (Epoll.isAvailable()) {
            handlers = EpollIoHandler.newFactory();
            channelClass = EpollSocketChannel.class;
            transport = "epoll";
        } else {
            handlers = NioIoHandler.newFactory();
            channelClass = NioSocketChannel.class;
            transport = "nio";
        }
        group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("starling-bench", true), handlers);
        int index = 0;
        for (EventExecutor executor : group) {
            loops.add(new Loop((EventLoop) executor, index++));
        }
    }

    public String transport() {
        return transport;
    }

    public List<Loop> loops() {
        return List.copyOf(loops);
    }

    /** Loop {@code n} modulo their number: connection n of a kind goes to loop n % threads. */
    public Loop loop(int n) {
        return loops.get(Math.floorMod(n, loops.size()));
    }

    /**
     * Opens the connection's channel on its loop; the connection sends CONNECT once connected. A failed TCP
     * connect fails the connection ({@link ClientConnection#failure()}).
     */
    public ChannelFuture connect(ClientConnection connection) {
        ClientSettings settings = connection.settings();
        Bootstrap bootstrap = new Bootstrap()
                .group(connection.loop().eventLoop())
                .channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        settings.connectTimeout().toMillis()))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        // Known before CONNECT goes out, so the decoder reads the CONNACK in this version.
                        channel.attr(MqttChannelAttributes.VERSION).set(settings.version());
                        channel.pipeline()
                                .addLast("decoder", new MqttFrameDecoder(MAXIMUM_PACKET_SIZE))
                                .addLast("encoder", MqttPacketEncoderHandler.INSTANCE)
                                .addLast("client", connection);
                    }
                });
        connection.connectStarted(System.nanoTime());
        ChannelFuture future = bootstrap.connect(settings.address());
        future.addListener(done -> {
            if (!done.isSuccess()) {
                connection.connectFailed(done.cause());
            }
        });
        return future;
    }

    /** Runs {@code task} on every loop and returns the results in loop order, waiting at most {@code timeout}. */
    public <T> List<T> onEachLoop(Function<Loop, T> task, Duration timeout) {
        List<Future<T>> futures = new ArrayList<>();
        for (Loop loop : loops) {
            futures.add(loop.eventLoop().submit(() -> task.apply(loop)));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            try {
                results.add(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted", e);
            } catch (ExecutionException e) {
                throw new BenchException("a task on the tool's event loop failed: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new BenchException("the tool's event loops did not answer within " + timeout.toMillis() + " ms");
            }
        }
        return results;
    }

    /** Stops the loops; connections still open are dropped. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
