package io.starling.codec.packet;

import io.starling.codec.PacketType;
import io.starling.codec.property.MqttProperties;

import java.util.List;
import java.util.Objects;

/** SUBSCRIBE ([MQTT-3.8]): at least one entry ([MQTT-3.8.3-3]). */
public record Subscribe(int packetId, List<TopicSubscription> subscriptions, MqttProperties properties)
        implements MqttPacket {
    public Subscribe {
        subscriptions = List.copyOf(subscriptions);
        Objects.requireNonNull(properties, "properties");
    }

    @Override
    public PacketType type() {
        return PacketType.SUBSCRIBE;
    }
}
