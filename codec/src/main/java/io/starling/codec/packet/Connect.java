package io.starling.codec.packet;

import io.starling.codec.MqttVersion;
import io.starling.codec.PacketType;
import io.starling.codec.property.MqttProperties;

import java.util.Arrays;
import java.util.Objects;

/**
 * CONNECT ([MQTT-3.1]). {@code cleanStart} is the Clean Session flag of MQTT 3.x. {@code username} and
 * {@code password} are null when their flags are clear; {@code will} is null when the Will Flag is clear.
 * {@code keepAliveSeconds} is 0..65535.
 */
public record Connect(MqttVersion version, String clientId, boolean cleanStart, int keepAliveSeconds,
                      String username, byte[] password, Will will, MqttProperties properties) implements MqttPacket {
    public Connect {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(properties, "properties");
    }

    @Override
    public PacketType type() {
        return PacketType.CONNECT;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Connect that && version == that.version && clientId.equals(that.clientId)
                && cleanStart == that.cleanStart && keepAliveSeconds == that.keepAliveSeconds
                && Objects.equals(username, that.username) && Arrays.equals(password, that.password)
                && Objects.equals(will, that.will) && properties.equals(that.properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, clientId, cleanStart, keepAliveSeconds, username, Arrays.hashCode(password), will,
                properties);
    }

    @Override
    public String toString() {
        return "Connect[version=" + version + ", clientId=" + clientId + ", cleanStart=" + cleanStart
                + ", keepAlive=" + keepAliveSeconds + ", username=" + username
                + ", password=" + (password == null ? "none" : "***") + ", will=" + will
                + ", properties=" + properties + "]";
    }
}
