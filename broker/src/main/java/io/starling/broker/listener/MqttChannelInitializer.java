package io.starling.broker.listener;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.starling.broker.BrokerContext;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.connection.ConnectHandler;
import io.starling.broker.connection.ConnectTimeoutHandler;
import io.starling.codec.netty.MqttFrameDecoder;
import io.starling.codec.netty.MqttPacketEncoderHandler;

/**
 * Builds the pipeline of a new TCP connection:
 * flush consolidation, frame decoder, packet encoder, connect timeout, CONNECT handler. Once CONNECT is accepted
 * the CONNECT handler replaces itself and the timeout with the keep-alive watchdog and the connection handler.
 */
public final class MqttChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final BrokerContext context;
    private final ListenerConfig listener;

    public MqttChannelInitializer(BrokerContext context, ListenerConfig listener) {
        this.context = context;
        this.listener = listener;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        context.channels().add(channel);
        context.metrics().connectionAccepted();
        ChannelPipeline pipeline = channel.pipeline();
        // Many small writes in one loop turn (acks, fan-out) leave in one flush.
        pipeline.addLast(PipelineNames.FLUSH_CONSOLIDATION, new FlushConsolidationHandler(256, true));
        pipeline.addLast(PipelineNames.FRAME_DECODER, new MqttFrameDecoder(context.config().connection().maximumPacketSize()));
        pipeline.addLast(PipelineNames.PACKET_ENCODER, MqttPacketEncoderHandler.INSTANCE);
        pipeline.addLast(PipelineNames.CONNECT_TIMEOUT, new ConnectTimeoutHandler(context.config().connection().connectTimeout()));
        pipeline.addLast(PipelineNames.CONNECT_HANDLER, new ConnectHandler(context, listener));
    }
}
