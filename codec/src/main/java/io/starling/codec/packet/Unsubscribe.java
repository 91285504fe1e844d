package io.starling.codec.packet;

import io.starling.codec.PacketType;
import io.starling.codec.property.MqttProperties;

import java.util.List;
import java.util.Objects;

/** UNSUBSCRIBE ([MQTT-3.10]): at least one topic filter ([MQTT-3.10.3-2]). */
public record Unsubscribe(int packetId, List<String> topicFilters, MqttProperties properties) implements MqttPacket {
    public Unsubscribe {
        topicFilters = List.copyOf(topicFilters);
        Objects.requireNonNull(properties, "properties");
    }

    @Override
    public PacketType type() {
        return PacketType.UNSUBSCRIBE;
    }
}
