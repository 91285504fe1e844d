package io.starling.codec;

/**
 * The protocol versions Starling speaks, identified on the wire by the protocol name and level of CONNECT
 * ([MQTT-3.1.2-1], [MQTT-3.1.2-2]).
 */
public enum MqttVersion {
    /** MQTT 3.1: protocol name "MQIsdp", level 3. */
    MQTT_3_1("MQIsdp", 3),
    /** MQTT 3.1.1: protocol name "MQTT", level 4. */
    MQTT_3_1_1("MQTT", 4),
    /** MQTT 5.0: protocol name "MQTT", level 5. */
    MQTT_5("MQTT", 5);

    private final String protocolName;
    private final int level;

    MqttVersion(String protocolName, int level) {
        this.protocolName = protocolName;
        this.level = level;
    }

    public String protocolName() {
        return protocolName;
    }

    public int level() {
        return level;
    }

    /** True for 5.0, the only version with properties and reason codes on every acknowledgement. */
    public boolean isV5() {
        return this == MQTT_5;
    }

    /** The version for a protocol name and level, or null when the pair names no version we speak. */
    public static MqttVersion of(String protocolName, int level) {
        for (MqttVersion version : values()) {
            if (version.level == level && version.protocolName.equals(protocolName)) {
                return version;
            }
        }
        return null;
    }
}
