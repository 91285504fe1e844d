package io.starling.codec;

/** Quality of service levels ([MQTT-4.3]). */
public enum QoS {
    AT_MOST_ONCE(0),
    AT_LEAST_ONCE(1),
    EXACTLY_ONCE(2);

    private static final QoS[] BY_VALUE = values();

    private final int value;

    QoS(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The QoS for a wire value 0..2; callers check the range first (3 is malformed, [MQTT-3.3.1-4]). */
    public static QoS of(int value) {
        if (value < 0 || value > 2) {
            throw new IllegalArgumentException("QoS must be 0, 1 or 2: " + value);
        }
        return BY_VALUE[value];
    }

    /** The lower of two levels: a message is delivered at the minimum of its QoS and the granted QoS. */
    public static QoS min(QoS a, QoS b) {
        return a.value <= b.value ? a : b;
    }
}
