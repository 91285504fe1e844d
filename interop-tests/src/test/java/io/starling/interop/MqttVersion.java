package io.starling.interop;

/** The protocol versions Starling speaks, with the spellings each client family uses for them. */
public enum MqttVersion {
    V3_1("3.1", "31"),
    V3_1_1("3.1.1", "311"),
    V5("5.0", "5");

    private final String label;
    private final String cliName;

    MqttVersion(String label, String cliName) {
        this.label = label;
        this.cliName = cliName;
    }

    /** As people write it: 3.1, 3.1.1, 5.0. */
    public String label() {
        return label;
    }

    /** As mosquitto_pub -V and the test scripts' --protocol take it: 31, 311, 5. */
    public String cliName() {
        return cliName;
    }

    public boolean isV5() {
        return this == V5;
    }
}
