package io.starling.codec.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.starling.codec.packet.MqttPacket;

import java.util.List;

/**
 * Encodes outbound {@link MqttPacket}s with the channel's {@link MqttChannelAttributes#VERSION} (MQTT 3.1.1 when
 * unset). Pre-encoded ByteBufs pass through untouched. Sharable.
 */
@ChannelHandler.Sharable
public final class MqttPacketEncoderHandler extends MessageToMessageEncoder<MqttPacket> {
    public static final MqttPacketEncoderHandler INSTANCE = new MqttPacketEncoderHandler();

    private MqttPacketEncoderHandler() {
        super(MqttPacket.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MqttPacket packet, List<Object> out) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
