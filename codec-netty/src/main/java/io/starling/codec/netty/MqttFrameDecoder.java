package io.starling.codec.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.Attribute;
import io.starling.codec.MqttDecodeException;
import io.starling.codec.MqttPacketDecoder;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.MqttPacket;

import java.util.List;

/**
 * Turns the inbound byte stream into {@link io.starling.codec.packet.MqttPacket}s, or one {@link DecodeFailure}
 * after which all further input is discarded. Sets {@link MqttChannelAttributes#VERSION} when it decodes CONNECT.
 * One instance per channel.
 *
 * <p>Until a version is known the decoder accepts only CONNECT (server side). A client that sets
 * {@link MqttChannelAttributes#VERSION} on its channel before the CONNACK arrives is decoded in that version.
 * The decoder never closes the channel and never lets an exception through: the handler receiving the
 * {@link DecodeFailure} decides the reaction.
 */
public final class MqttFrameDecoder extends ByteToMessageDecoder {

    private final MqttPacketDecoder decoder;
    private boolean failed;

    public MqttFrameDecoder(int maximumPacketSize) {
        if (maximumPacketSize < 2) {
            throw new IllegalArgumentException("maximumPacketSize must hold at least a fixed header: " + maximumPacketSize);
        }
        this.decoder = new MqttPacketDecoder(maximumPacketSize, null);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            Attribute<MqttVersion> versionAttribute = ctx.channel().attr(MqttChannelAttributes.VERSION);
            if (decoder.version() == null) {
                MqttVersion known = versionAttribute.get();
                if (known != null) {
                    decoder.version(known); // a client announced its version when it sent CONNECT
                }
            }
            MqttPacket packet = decoder.decode(in);
            if (packet == null) {
                return;
            }
            if (packet instanceof Connect) {
                versionAttribute.set(decoder.version());
            }
            out.add(packet);
        } catch (MqttDecodeException e) {
            fail(in, out, new DecodeFailure(e.reasonCode(), e.packetType(), e.getMessage()));
        } catch (RuntimeException e) {
            // Not expected from the decoder; still, a broken packet must never take the pipeline down.
            fail(in, out, new DecodeFailure(ReasonCode.MALFORMED_PACKET, null, "undecodable packet: " + e));
        }
    }

    private void fail(ByteBuf in, List<Object> out, DecodeFailure failure) {
        failed = true;
        in.skipBytes(in.readableBytes());
        out.add(failure);
    }
}
