package io.starling.loadtool;

import io.starling.codec.MqttVersion;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/** Reads the spellings of {@code starling pub} and mosquitto: {@code 5}, {@code mqttv5}, {@code 311}, ... */
final class VersionConverter implements ITypeConverter<MqttVersion> {
    @Override
    public MqttVersion convert(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "mqttv5", "mqttv50", "5", "5.0" -> MqttVersion.MQTT_5;
            case "mqttv311", "311", "3.1.1", "4" -> MqttVersion.MQTT_3_1_1;
            default -> throw new TypeConversionException(
                    "'" + value + "' is not a protocol version; use 5 (mqttv5) or 311 (mqttv311)");
        };
    }
}
