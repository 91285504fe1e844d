package io.starling.codec.property;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The property section of an MQTT 5.0 packet: immutable, typed, with the wire order of repeatable properties
 * (User Property, Subscription Identifier) preserved. MQTT 3.x packets carry {@link #EMPTY}.
 *
 * <p>Single-valued properties are held as {@code Integer} (byte, two-byte, four-byte and variable byte
 * integers; four-byte values are unsigned and may exceed {@code Integer.MAX_VALUE}, so they are read with
 * {@link #getLong}), {@code String} or {@code byte[]} (binary data, copied on the way in and out).
 */
public final class MqttProperties {

    public static final MqttProperties EMPTY = new MqttProperties(new Object[PropertyId.values().length], List.of(), List.of());

    private static final PropertyId[] IDS = PropertyId.values();

    private final Object[] values;
    private final List<UserProperty> userProperties;
    private final List<Integer> subscriptionIdentifiers;

    private MqttProperties(Object[] values, List<UserProperty> userProperties, List<Integer> subscriptionIdentifiers) {
        this.values = values;
        this.userProperties = userProperties;
        this.subscriptionIdentifiers = subscriptionIdentifiers;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder builder = new Builder();
        System.arraycopy(values, 0, builder.values, 0, values.length);
        builder.userProperties.addAll(userProperties);
        builder.subscriptionIdentifiers.addAll(subscriptionIdentifiers);
        return builder;
    }

    public boolean isEmpty() {
        if (!userProperties.isEmpty() || !subscriptionIdentifiers.isEmpty()) {
            return false;
        }
        for (Object value : values) {
            if (value != null) {
                return false;
            }
        }
        return true;
    }

    /** Whether a single-valued property is present. */
    public boolean has(PropertyId id) {
        return switch (id) {
            case USER_PROPERTY -> !userProperties.isEmpty();
            case SUBSCRIPTION_IDENTIFIER -> !subscriptionIdentifiers.isEmpty();
            default -> values[id.ordinal()] != null;
        };
    }

    /** An integer property (byte, two-byte, four-byte or variable byte integer) or null when absent. */
    public Integer getInt(PropertyId id) {
        return (Integer) values[id.ordinal()];
    }

    /** A four-byte integer property read as unsigned, or null when absent. */
    public Long getLong(PropertyId id) {
        Integer value = (Integer) values[id.ordinal()];
        return value == null ? null : Integer.toUnsignedLong(value);
    }

    public String getString(PropertyId id) {
        return (String) values[id.ordinal()];
    }

    /** A copy of a binary property, or null when absent. */
    public byte[] getBinary(PropertyId id) {
        byte[] value = (byte[]) values[id.ordinal()];
        return value == null ? null : value.clone();
    }

    public List<UserProperty> userProperties() {
        return userProperties;
    }

    public List<Integer> subscriptionIdentifiers() {
        return subscriptionIdentifiers;
    }

    // Typed accessors for the properties the broker reads often.

    public Integer payloadFormatIndicator() { return getInt(PropertyId.PAYLOAD_FORMAT_INDICATOR); }
    public Long messageExpiryInterval() { return getLong(PropertyId.MESSAGE_EXPIRY_INTERVAL); }
    public String contentType() { return getString(PropertyId.CONTENT_TYPE); }
    public String responseTopic() { return getString(PropertyId.RESPONSE_TOPIC); }
    public byte[] correlationData() { return getBinary(PropertyId.CORRELATION_DATA); }
    public Long sessionExpiryInterval() { return getLong(PropertyId.SESSION_EXPIRY_INTERVAL); }
    public String assignedClientIdentifier() { return getString(PropertyId.ASSIGNED_CLIENT_IDENTIFIER); }
    public Integer serverKeepAlive() { return getInt(PropertyId.SERVER_KEEP_ALIVE); }
    public String authenticationMethod() { return getString(PropertyId.AUTHENTICATION_METHOD); }
    public byte[] authenticationData() { return getBinary(PropertyId.AUTHENTICATION_DATA); }
    public Integer requestProblemInformation() { return getInt(PropertyId.REQUEST_PROBLEM_INFORMATION); }
    public Long willDelayInterval() { return getLong(PropertyId.WILL_DELAY_INTERVAL); }
    public Integer requestResponseInformation() { return getInt(PropertyId.REQUEST_RESPONSE_INFORMATION); }
    public String responseInformation() { return getString(PropertyId.RESPONSE_INFORMATION); }
    public String serverReference() { return getString(PropertyId.SERVER_REFERENCE); }
    public String reasonString() { return getString(PropertyId.REASON_STRING); }
    public Integer receiveMaximum() { return getInt(PropertyId.RECEIVE_MAXIMUM); }
    public Integer topicAliasMaximum() { return getInt(PropertyId.TOPIC_ALIAS_MAXIMUM); }
    public Integer topicAlias() { return getInt(PropertyId.TOPIC_ALIAS); }
    public Integer maximumQos() { return getInt(PropertyId.MAXIMUM_QOS); }
    public Integer retainAvailable() { return getInt(PropertyId.RETAIN_AVAILABLE); }
    public Long maximumPacketSize() { return getLong(PropertyId.MAXIMUM_PACKET_SIZE); }
    public Integer wildcardSubscriptionAvailable() { return getInt(PropertyId.WILDCARD_SUBSCRIPTION_AVAILABLE); }
    public Integer subscriptionIdentifierAvailable() { return getInt(PropertyId.SUBSCRIPTION_IDENTIFIER_AVAILABLE); }
    public Integer sharedSubscriptionAvailable() { return getInt(PropertyId.SHARED_SUBSCRIPTION_AVAILABLE); }

    /** The single-valued properties present, in identifier order; used by the encoder. */
    public List<PropertyId> presentSingleValued() {
        List<PropertyId> present = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                present.add(IDS[i]);
            }
        }
        return present;
    }

    /** The raw value of a single-valued property (Integer, String or byte[], not copied); for the encoder. */
    public Object rawValue(PropertyId id) {
        return values[id.ordinal()];
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof MqttProperties that)) {
            return false;
        }
        if (!userProperties.equals(that.userProperties) || !subscriptionIdentifiers.equals(that.subscriptionIdentifiers)) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            if (!Objects.deepEquals(values[i], that.values[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(values) * 31 + userProperties.hashCode() * 7 + subscriptionIdentifiers.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                if (text.length() > 1) {
                    text.append(", ");
                }
                Object value = values[i];
                text.append(IDS[i]).append('=').append(value instanceof byte[] bytes ? bytes.length + " bytes" : value);
            }
        }
        if (!subscriptionIdentifiers.isEmpty()) {
            text.append(text.length() > 1 ? ", " : "").append("SUBSCRIPTION_IDENTIFIER=").append(subscriptionIdentifiers);
        }
        if (!userProperties.isEmpty()) {
            text.append(text.length() > 1 ? ", " : "").append("USER_PROPERTY=").append(userProperties);
        }
        return text.append('}').toString();
    }

    /** Collects properties; the decoder uses it too, so it rejects nothing: validation is the decoder's job. */
    public static final class Builder {
        private final Object[] values = new Object[IDS.length];
        private final List<UserProperty> userProperties = new ArrayList<>();
        private final List<Integer> subscriptionIdentifiers = new ArrayList<>();

        private Builder() {
        }

        /** Sets an integer property (any integer type), or removes it when value is null. */
        public Builder setInt(PropertyId id, Integer value) {
            requireType(id, PropertyType.BYTE, PropertyType.TWO_BYTE_INTEGER, PropertyType.FOUR_BYTE_INTEGER,
                    PropertyType.VARIABLE_BYTE_INTEGER);
            if (id == PropertyId.SUBSCRIPTION_IDENTIFIER) {
                throw new IllegalArgumentException("use addSubscriptionIdentifier");
            }
            values[id.ordinal()] = value;
            return this;
        }

        /** Sets a four-byte integer property from an unsigned value 0..4294967295, or removes it when null. */
        public Builder setLong(PropertyId id, Long value) {
            requireType(id, PropertyType.FOUR_BYTE_INTEGER);
            if (value != null && (value < 0 || value > 0xFFFF_FFFFL)) {
                throw new IllegalArgumentException(id + " out of range: " + value);
            }
            values[id.ordinal()] = value == null ? null : (int) (long) value;
            return this;
        }

        public Builder setString(PropertyId id, String value) {
            requireType(id, PropertyType.UTF8_STRING);
            values[id.ordinal()] = value;
            return this;
        }

        /** Sets a binary property; the array is copied. */
        public Builder setBinary(PropertyId id, byte[] value) {
            requireType(id, PropertyType.BINARY_DATA);
            values[id.ordinal()] = value == null ? null : value.clone();
            return this;
        }

        public Builder addUserProperty(String name, String value) {
            userProperties.add(new UserProperty(name, value));
            return this;
        }

        public Builder addUserProperties(List<UserProperty> properties) {
            userProperties.addAll(properties);
            return this;
        }

        public Builder addSubscriptionIdentifier(int identifier) {
            subscriptionIdentifiers.add(identifier);
            return this;
        }

        public Builder clearSubscriptionIdentifiers() {
            subscriptionIdentifiers.clear();
            return this;
        }

        /** Removes any property, repeatable ones included. */
        public Builder remove(PropertyId id) {
            switch (id) {
                case USER_PROPERTY -> userProperties.clear();
                case SUBSCRIPTION_IDENTIFIER -> subscriptionIdentifiers.clear();
                default -> values[id.ordinal()] = null;
            }
            return this;
        }

        // Typed setters for the common cases.
        public Builder payloadFormatIndicator(Integer value) { return setInt(PropertyId.PAYLOAD_FORMAT_INDICATOR, value); }
        public Builder messageExpiryInterval(Long seconds) { return setLong(PropertyId.MESSAGE_EXPIRY_INTERVAL, seconds); }
        public Builder contentType(String value) { return setString(PropertyId.CONTENT_TYPE, value); }
        public Builder responseTopic(String value) { return setString(PropertyId.RESPONSE_TOPIC, value); }
        public Builder correlationData(byte[] value) { return setBinary(PropertyId.CORRELATION_DATA, value); }
        public Builder sessionExpiryInterval(Long seconds) { return setLong(PropertyId.SESSION_EXPIRY_INTERVAL, seconds); }
        public Builder assignedClientIdentifier(String value) { return setString(PropertyId.ASSIGNED_CLIENT_IDENTIFIER, value); }
        public Builder serverKeepAlive(Integer seconds) { return setInt(PropertyId.SERVER_KEEP_ALIVE, seconds); }
        public Builder authenticationMethod(String value) { return setString(PropertyId.AUTHENTICATION_METHOD, value); }
        public Builder authenticationData(byte[] value) { return setBinary(PropertyId.AUTHENTICATION_DATA, value); }
        public Builder requestProblemInformation(Integer value) { return setInt(PropertyId.REQUEST_PROBLEM_INFORMATION, value); }
        public Builder willDelayInterval(Long seconds) { return setLong(PropertyId.WILL_DELAY_INTERVAL, seconds); }
        public Builder requestResponseInformation(Integer value) { return setInt(PropertyId.REQUEST_RESPONSE_INFORMATION, value); }
        public Builder responseInformation(String value) { return setString(PropertyId.RESPONSE_INFORMATION, value); }
        public Builder serverReference(String value) { return setString(PropertyId.SERVER_REFERENCE, value); }
        public Builder reasonString(String value) { return setString(PropertyId.REASON_STRING, value); }
        public Builder receiveMaximum(Integer value) { return setInt(PropertyId.RECEIVE_MAXIMUM, value); }
        public Builder topicAliasMaximum(Integer value) { return setInt(PropertyId.TOPIC_ALIAS_MAXIMUM, value); }
        public Builder topicAlias(Integer value) { return setInt(PropertyId.TOPIC_ALIAS, value); }
        public Builder maximumQos(Integer value) { return setInt(PropertyId.MAXIMUM_QOS, value); }
        public Builder retainAvailable(Integer value) { return setInt(PropertyId.RETAIN_AVAILABLE, value); }
        public Builder maximumPacketSize(Long value) { return setLong(PropertyId.MAXIMUM_PACKET_SIZE, value); }
        public Builder wildcardSubscriptionAvailable(Integer value) { return setInt(PropertyId.WILDCARD_SUBSCRIPTION_AVAILABLE, value); }
        public Builder subscriptionIdentifierAvailable(Integer value) { return setInt(PropertyId.SUBSCRIPTION_IDENTIFIER_AVAILABLE, value); }
        public Builder sharedSubscriptionAvailable(Integer value) { return setInt(PropertyId.SHARED_SUBSCRIPTION_AVAILABLE, value); }

        public MqttProperties build() {
            boolean empty = userProperties.isEmpty() && subscriptionIdentifiers.isEmpty();
            for (Object value : values) {
                empty &= value == null;
            }
            if (empty) {
                return EMPTY;
            }
            return new MqttProperties(values.clone(), Collections.unmodifiableList(new ArrayList<>(userProperties)),
                    List.copyOf(subscriptionIdentifiers));
        }

        private static void requireType(PropertyId id, PropertyType... types) {
            for (PropertyType type : types) {
                if (id.type() == type) {
                    return;
                }
            }
            throw new IllegalArgumentException(id + " is of type " + id.type());
        }
    }
}
