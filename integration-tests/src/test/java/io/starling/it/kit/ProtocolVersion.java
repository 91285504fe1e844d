package io.starling.it.kit;

/** The protocol versions the raw client can speak, as they appear in CONNECT (protocol name and level). */
public enum ProtocolVersion {
    V3_1("MQIsdp", 3),
    V3_1_1("MQTT", 4),
    V5("MQTT", 5);

    private final String protocolName;
    private final int level;

    ProtocolVersion(String protocolName, int level) {
        this.protocolName = protocolName;
        this.level = level;
    }

    public String protocolName() {
        return protocolName;
    }

    public int level() {
        return level;
    }

    public boolean isV5() {
        return this == V5;
    }
}
