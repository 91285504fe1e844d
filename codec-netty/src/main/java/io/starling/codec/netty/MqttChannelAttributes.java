package io.starling.codec.netty;

import io.netty.util.AttributeKey;
import io.starling.codec.MqttVersion;

/** Channel attributes shared by the decoder, the encoder and whoever handles the packets. */
public final class MqttChannelAttributes {
    /** The protocol version of the connection, set by the decoder when it decodes CONNECT (or by a client). */
    public static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("starling.mqtt.version");

    private MqttChannelAttributes() {
    }
}
