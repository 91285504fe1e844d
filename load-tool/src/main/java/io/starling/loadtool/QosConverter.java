package io.starling.loadtool;

import io.starling.codec.QoS;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads 0, 1 or 2. */
final class QosConverter implements ITypeConverter<QoS> {
    @Override
    public QoS convert(String value) {
        return switch (value.strip()) {
            case "0" -> QoS.AT_MOST_ONCE;
            case "1" -> QoS.AT_LEAST_ONCE;
            case "2" -> QoS.EXACTLY_ONCE;
            default -> throw new TypeConversionException("QoS must be 0, 1 or 2: " + value);
        };
    }
}
