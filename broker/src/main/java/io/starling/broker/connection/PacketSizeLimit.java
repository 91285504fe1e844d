package io.starling.broker.connection;

import io.starling.codec.MqttPacketEncoder;
import io.starling.codec.MqttVersion;
import io.starling.codec.packet.Auth;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Disconnect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PubAck;
import io.starling.codec.packet.PubComp;
import io.starling.codec.packet.PubRec;
import io.starling.codec.packet.PubRel;
import io.starling.codec.packet.SubAck;
import io.starling.codec.packet.UnsubAck;
import io.starling.codec.property.MqttProperties;
import io.starling.codec.property.PropertyId;

/**
 * The client's Maximum Packet Size applied to what the broker sends other than PUBLISH ([MQTT-3.1.2-24]): Reason
 * String and User Properties are left out when they would take a packet past the limit ([MQTT-3.2.2-19],
 * [MQTT-3.4.2-2], [MQTT-3.9.2-1], [MQTT-3.14.2-3] and the like for each acknowledgement). A packet that still does
 * not fit cannot be sent at all; {@link #fit} then returns null and the caller closes the connection.
 */
final class PacketSizeLimit {
    private PacketSizeLimit() {
    }

    /** The packet as it may be sent, or null when even its shortest form exceeds the limit. */
    static MqttPacket fit(MqttPacket packet, MqttVersion version, long maximumPacketSize) {
        if (maximumPacketSize == Long.MAX_VALUE || MqttPacketEncoder.encodedSize(packet, version) <= maximumPacketSize) {
            return packet;
        }
        MqttPacket shorter = withoutProblemInformation(packet);
        return MqttPacketEncoder.encodedSize(shorter, version) <= maximumPacketSize ? shorter : null;
    }

    private static MqttPacket withoutProblemInformation(MqttPacket packet) {
        return switch (packet.type()) {
            case CONNACK -> {
                ConnAck connAck = (ConnAck) packet;
                yield new ConnAck(connAck.sessionPresent(), connAck.reasonCode(), stripped(connAck.properties()));
            }
            case PUBACK -> new PubAck(((PubAck) packet).packetId(), ((PubAck) packet).reasonCode(), MqttProperties.EMPTY);
            case PUBREC -> new PubRec(((PubRec) packet).packetId(), ((PubRec) packet).reasonCode(), MqttProperties.EMPTY);
            case PUBREL -> new PubRel(((PubRel) packet).packetId(), ((PubRel) packet).reasonCode(), MqttProperties.EMPTY);
            case PUBCOMP -> new PubComp(((PubComp) packet).packetId(), ((PubComp) packet).reasonCode(),
                    MqttProperties.EMPTY);
            case SUBACK -> new SubAck(((SubAck) packet).packetId(), ((SubAck) packet).reasonCodes(), MqttProperties.EMPTY);
            case UNSUBACK -> new UnsubAck(((UnsubAck) packet).packetId(), ((UnsubAck) packet).reasonCodes(),
                    MqttProperties.EMPTY);
            case DISCONNECT -> new Disconnect(((Disconnect) packet).reasonCode(),
                    stripped(((Disconnect) packet).properties()));
            case AUTH -> new Auth(((Auth) packet).reasonCode(), stripped(((Auth) packet).properties()));
            default -> packet;
        };
    }

    private static MqttProperties stripped(MqttProperties properties) {
        return properties.toBuilder().reasonString(null).remove(PropertyId.USER_PROPERTY).build();
    }
}
