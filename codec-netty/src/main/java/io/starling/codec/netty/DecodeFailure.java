package io.starling.codec.netty;

import io.starling.codec.PacketType;
import io.starling.codec.ReasonCode;

/**
 * Emitted by {@link MqttFrameDecoder} instead of a packet when the input breaks the specification. After it, the
 * decoder discards everything else the connection sends: the handler that receives it decides the reaction.
 *
 * @param packetType the type of the offending packet, or null when the fixed header was bad
 */
public record DecodeFailure(ReasonCode reasonCode, PacketType packetType, String message) {
}
