package io.starling.interop;

import java.util.List;

/**
 * The client libraries of the matrix, with the protocol versions each can speak. A version a library lacks is
 * left out of the matrix, not failed: Paho Java v3 has no 5.0, Paho Java v5 only 5.0, HiveMQ no 3.1.
 */
public enum Client {
    PAHO_JAVA_V3("Eclipse Paho Java v3", "pv3", List.of(MqttVersion.V3_1, MqttVersion.V3_1_1)),
    PAHO_JAVA_V5("Eclipse Paho Java v5", "pv5", List.of(MqttVersion.V5)),
    HIVEMQ("HiveMQ MQTT Client", "hive", List.of(MqttVersion.V3_1_1, MqttVersion.V5)),
    MOSQUITTO("mosquitto_pub / mosquitto_sub", "mosq", List.of(MqttVersion.values())),
    MQTT_JS("MQTT.js", "js", List.of(MqttVersion.values())),
    PAHO_PYTHON("paho-mqtt (Python)", "py", List.of(MqttVersion.values()));

    private final String label;
    private final String shortName;
    private final List<MqttVersion> versions;

    Client(String label, String shortName, List<MqttVersion> versions) {
        this.label = label;
        this.shortName = shortName;
        this.versions = versions;
    }

    public String label() {
        return label;
    }

    /** A few letters for client identifiers, which MQTT 3.1 limits to 23 characters. */
    public String shortName() {
        return shortName;
    }

    public List<MqttVersion> versions() {
        return versions;
    }

    /** A driver for this library at that version against {@code host:port}; fails if the library is missing. */
    public ClientDriver driver(MqttVersion version, String host, int port) {
        if (!versions.contains(version)) {
            throw new IllegalArgumentException(label + " does not speak MQTT " + version.label());
        }
        return switch (this) {
            case PAHO_JAVA_V3 -> new PahoV3Driver(host, port, version);
            case PAHO_JAVA_V5 -> new PahoV5Driver(host, port);
            case HIVEMQ -> new HiveMqDriver(host, port, version);
            case MOSQUITTO -> {
                Prerequisites.requireMosquittoClients();
                yield new MosquittoDriver(host, port, version);
            }
            case MQTT_JS -> new ScriptDriver(label, Prerequisites.requireMqttJs(), host, port, version);
            case PAHO_PYTHON -> new ScriptDriver(label, Prerequisites.requirePahoPython(), host, port, version);
        };
    }
}
