package io.starling.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/** The MQTT versions {@code pub} and {@code sub} speak (those of the HiveMQ MQTT Client). */
enum ProtocolVersion {
    MQTT_3_1_1("3.1.1"),
    MQTT_5("5.0");

    private final String label;

    ProtocolVersion(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }

    /** Reads mosquitto's spellings ({@code mqttv311}, {@code mqttv5}) and the short ones ({@code 311}, {@code 5}). */
    static final class Converter implements ITypeConverter<ProtocolVersion> {
        @Override
        public ProtocolVersion convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "mqttv311", "311", "3.1.1", "4" -> MQTT_3_1_1;
                case "mqttv5", "mqttv50", "5", "5.0" -> MQTT_5;
                case "mqttv31", "31", "3.1", "3" -> throw new TypeConversionException(
                        "MQTT 3.1 is not supported by pub and sub (their client speaks 3.1.1 and 5.0); use 311");
                default -> throw new TypeConversionException(
                        "'" + value + "' is not a protocol version; use mqttv311 (or 311) or mqttv5 (or 5)");
            };
        }
    }
}
