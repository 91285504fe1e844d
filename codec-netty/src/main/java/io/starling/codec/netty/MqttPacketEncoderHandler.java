package io.starling.codec.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.util.Attribute;
import io.starling.codec.MqttPacketEncoder;
import io.starling.codec.MqttVersion;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.MqttPacket;

import java.util.List;

/**
 * Encodes outbound {@link MqttPacket}s with the channel's {@link MqttChannelAttributes#VERSION} (MQTT 3.1.1 when
 * unset). Pre-encoded ByteBufs pass through untouched. Sharable.
 *
 * <p>A {@link io.starling.codec.packet.Publish} is released once encoded (by {@link MessageToMessageEncoder},
 * which releases every reference-counted message it encodes); the encoded buffer holds its own reference to a
 * large payload. Encoding a CONNECT sets the channel's version when it is unset, so a client's
 * {@link MqttFrameDecoder} reads the CONNACK in the version it asked for.
 */
@ChannelHandler.Sharable
public final class MqttPacketEncoderHandler extends MessageToMessageEncoder<MqttPacket> {
    public static final MqttPacketEncoderHandler INSTANCE = new MqttPacketEncoderHandler();

    private MqttPacketEncoderHandler() {
        super(MqttPacket.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MqttPacket packet, List<Object> out) {
        Attribute<MqttVersion> versionAttribute = ctx.channel().attr(MqttChannelAttributes.VERSION);
        MqttVersion version = versionAttribute.get();
        if (packet instanceof Connect connect) {
            versionAttribute.setIfAbsent(connect.version());
        }
        out.add(MqttPacketEncoder.encode(ctx.alloc(), packet, version == null ? MqttVersion.MQTT_3_1_1 : version));
    }
}
