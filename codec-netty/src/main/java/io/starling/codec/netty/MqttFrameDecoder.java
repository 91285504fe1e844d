package io.starling.codec.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Turns the inbound byte stream into {@link io.starling.codec.packet.MqttPacket}s, or one {@link DecodeFailure}
 * after which all further input is discarded. Sets {@link MqttChannelAttributes#VERSION} when it decodes CONNECT.
 * One instance per channel.
 */
public final class MqttFrameDecoder extends ByteToMessageDecoder {

    public MqttFrameDecoder(int maximumPacketSize) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
