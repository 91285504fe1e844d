package io.starling.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.starling.codec.packet.Auth;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.Disconnect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PubAck;
import io.starling.codec.packet.PubComp;
import io.starling.codec.packet.PubRec;
import io.starling.codec.packet.PubRel;
import io.starling.codec.packet.Publish;
import io.starling.codec.packet.SubAck;
import io.starling.codec.packet.Subscribe;
import io.starling.codec.packet.SubscriptionOptions;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.packet.UnsubAck;
import io.starling.codec.packet.Unsubscribe;
import io.starling.codec.packet.Will;
import io.starling.codec.property.MqttProperties;
import io.starling.codec.property.PropertyId;
import io.starling.codec.property.UserProperty;

import java.util.List;
import java.util.Objects;

/**
 * Encodes packets for a given protocol version. Stateless and thread-safe.
 *
 * <p>What each version can carry:
 * <ul>
 *   <li>CONNECT is always encoded in its own {@link Connect#version()}: it announces the version.</li>
 *   <li>MQTT 3.x drops properties; PUBACK, PUBREC, PUBREL, PUBCOMP and UNSUBACK carry only the packet
 *       identifier; DISCONNECT is empty; CONNACK uses {@link ReasonCode#toV3ConnectReturnCode()}; SUBACK writes
 *       0x80 for any error code. AUTH cannot be encoded for 3.x ({@link IllegalArgumentException}).</li>
 *   <li>MQTT 5.0 acknowledgements and DISCONNECT use the short forms the spec allows: the reason code and the
 *       property length are omitted when the code is Success and there are no properties.</li>
 *   <li>For QoS 0 PUBLISH the packet identifier and DUP are not written ([MQTT-2.2.1-2], [MQTT-3.3.1-2]).</li>
 * </ul>
 * Values the peer would have to reject (reason code not defined for the packet, property not allowed in it,
 * packet identifier 0, string over 65,535 bytes, packet over the protocol maximum) throw
 * {@link IllegalArgumentException}: they are bugs of the caller, caught before they reach the wire.
 */
public final class MqttPacketEncoder {

    /** PUBLISH payloads above this size are referenced by a composite buffer instead of being copied. */
    static final int COPY_THRESHOLD = 512;

    private static final int MAX_REMAINING_LENGTH = 268_435_455;
    private static final PropertyId[] PROPERTY_IDS = PropertyId.values();

    private MqttPacketEncoder() {
    }

    /**
     * Encodes a packet. The packet is not released; for a PUBLISH, the result may hold a retained duplicate of
     * the payload instead of a copy, so the caller may release its own reference at once.
     */
    public static ByteBuf encode(ByteBufAllocator allocator, MqttPacket packet, MqttVersion version) {
        Objects.requireNonNull(allocator, "allocator");
        Objects.requireNonNull(packet, "packet");
        Objects.requireNonNull(version, "version");
        if (packet instanceof Publish publish) {
            return encodePublish(allocator, publish, version);
        }
        int remainingLength = remainingLength(packet, version);
        int total = 1 + variableByteIntegerSize(remainingLength) + remainingLength;
        ByteBuf out = allocator.buffer(total);
        try {
            out.writeByte(firstByte(packet));
            writeVariableByteInteger(out, remainingLength);
            writeBody(out, packet, version);
            assert out.readableBytes() == total : packet.type() + " encoded to " + out.readableBytes()
                    + " bytes, computed " + total;
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** The size in bytes of the encoded packet, fixed header included, without encoding it. */
    public static int encodedSize(MqttPacket packet, MqttVersion version) {
        Objects.requireNonNull(packet, "packet");
        Objects.requireNonNull(version, "version");
        int remainingLength = remainingLength(packet, version);
        return 1 + variableByteIntegerSize(remainingLength) + remainingLength;
    }

    // ------------------------------------------------------------------------------------------------ PUBLISH

    private static ByteBuf encodePublish(ByteBufAllocator allocator, Publish publish, MqttVersion version) {
        int variableHeader = publishVariableHeaderSize(publish, version);
        ByteBuf payload = publish.payload();
        int payloadLength = payload.readableBytes();
        int remainingLength = checkRemainingLength(variableHeader + (long) payloadLength);
        int headerSize = 1 + variableByteIntegerSize(remainingLength) + variableHeader;
        boolean reference = payloadLength > COPY_THRESHOLD;
        int capacity = reference ? headerSize : headerSize + payloadLength;
        ByteBuf out = allocator.buffer(capacity);
        try {
            out.writeByte(firstByte(publish));
            writeVariableByteInteger(out, remainingLength);
            writeString(out, publish.topic());
            if (publish.qos() != QoS.AT_MOST_ONCE) {
                out.writeShort(publish.packetId());
            }
            if (version.isV5()) {
                writeProperties(out, publish.properties());
            }
            if (!reference) {
                out.writeBytes(payload, payload.readerIndex(), payloadLength);
                return out;
            }
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        CompositeByteBuf composite = allocator.compositeBuffer(2);
        composite.addComponents(true, out, payload.retainedDuplicate());
        return composite;
    }

    private static int publishVariableHeaderSize(Publish publish, MqttVersion version) {
        int size = stringSize(publish.topic());
        if (publish.qos() != QoS.AT_MOST_ONCE) {
            checkPacketId(publish.packetId(), publish);
            size += 2;
        }
        if (version.isV5()) {
            size += propertySectionSize(publish.properties(), PacketType.PUBLISH, false);
        }
        return size;
    }

    // ------------------------------------------------------------------------------------------ sizes per type

    private static int remainingLength(MqttPacket packet, MqttVersion version) {
        long length = switch (packet.type()) {
            case CONNECT -> connectSize((Connect) packet);
            case CONNACK -> {
                ConnAck connAck = (ConnAck) packet;
                if (!version.isV5()) {
                    yield 2;
                }
                checkReasonCode(PacketType.CONNACK, connAck.reasonCode());
                yield 2 + propertySectionSize(connAck.properties(), PacketType.CONNACK, false);
            }
            case PUBLISH -> publishVariableHeaderSize((Publish) packet, version)
                    + (long) ((Publish) packet).payload().readableBytes();
            case PUBACK -> {
                PubAck ack = (PubAck) packet;
                yield ackSize(ack, ack.packetId(), ack.reasonCode(), ack.properties(), version);
            }
            case PUBREC -> {
                PubRec ack = (PubRec) packet;
                yield ackSize(ack, ack.packetId(), ack.reasonCode(), ack.properties(), version);
            }
            case PUBREL -> {
                PubRel ack = (PubRel) packet;
                yield ackSize(ack, ack.packetId(), ack.reasonCode(), ack.properties(), version);
            }
            case PUBCOMP -> {
                PubComp ack = (PubComp) packet;
                yield ackSize(ack, ack.packetId(), ack.reasonCode(), ack.properties(), version);
            }
            case SUBSCRIBE -> subscribeSize((Subscribe) packet, version);
            case SUBACK -> {
                SubAck subAck = (SubAck) packet;
                checkPacketId(subAck.packetId(), subAck);
                requireNonEmpty(subAck.reasonCodes(), subAck);
                long size = 2L + subAck.reasonCodes().size();
                if (version.isV5()) {
                    for (ReasonCode code : subAck.reasonCodes()) {
                        checkReasonCode(PacketType.SUBACK, code);
                    }
                    size += propertySectionSize(subAck.properties(), PacketType.SUBACK, false);
                } else {
                    for (ReasonCode code : subAck.reasonCodes()) {
                        v3SubAckCode(code);
                    }
                }
                yield size;
            }
            case UNSUBSCRIBE -> {
                Unsubscribe unsubscribe = (Unsubscribe) packet;
                checkPacketId(unsubscribe.packetId(), unsubscribe);
                requireNonEmpty(unsubscribe.topicFilters(), unsubscribe);
                long size = 2;
                if (version.isV5()) {
                    size += propertySectionSize(unsubscribe.properties(), PacketType.UNSUBSCRIBE, false);
                }
                for (String filter : unsubscribe.topicFilters()) {
                    size += stringSize(filter);
                }
                yield size;
            }
            case UNSUBACK -> {
                UnsubAck unsubAck = (UnsubAck) packet;
                checkPacketId(unsubAck.packetId(), unsubAck);
                if (!version.isV5()) {
                    yield 2;
                }
                requireNonEmpty(unsubAck.reasonCodes(), unsubAck);
                for (ReasonCode code : unsubAck.reasonCodes()) {
                    checkReasonCode(PacketType.UNSUBACK, code);
                }
                yield 2L + propertySectionSize(unsubAck.properties(), PacketType.UNSUBACK, false)
                        + unsubAck.reasonCodes().size();
            }
            case PINGREQ, PINGRESP -> 0;
            case DISCONNECT -> {
                Disconnect disconnect = (Disconnect) packet;
                if (!version.isV5()) {
                    yield 0;
                }
                checkReasonCode(PacketType.DISCONNECT, disconnect.reasonCode());
                if (disconnect.properties().isEmpty()) {
                    yield disconnect.reasonCode() == ReasonCode.SUCCESS ? 0 : 1;
                }
                yield 1 + propertySectionSize(disconnect.properties(), PacketType.DISCONNECT, false);
            }
            case AUTH -> {
                Auth auth = (Auth) packet;
                if (!version.isV5()) {
                    throw new IllegalArgumentException("AUTH exists only in MQTT 5.0, not in " + version);
                }
                checkReasonCode(PacketType.AUTH, auth.reasonCode());
                if (auth.reasonCode() == ReasonCode.SUCCESS && auth.properties().isEmpty()) {
                    yield 0;
                }
                yield 1 + propertySectionSize(auth.properties(), PacketType.AUTH, false);
            }
        };
        return checkRemainingLength(length);
    }

    private static long connectSize(Connect connect) {
        MqttVersion version = connect.version();
        if (connect.keepAliveSeconds() < 0 || connect.keepAliveSeconds() > 0xFFFF) {
            throw new IllegalArgumentException("keep alive out of range 0..65535: " + connect.keepAliveSeconds());
        }
        if (!version.isV5() && connect.password() != null && connect.username() == null) {
            throw new IllegalArgumentException("MQTT 3.x CONNECT cannot carry a password without a user name "
                    + "[MQTT-3.1.2-22]");
        }
        long size = stringSize(version.protocolName()) + 1 + 1 + 2;
        if (version.isV5()) {
            size += propertySectionSize(connect.properties(), PacketType.CONNECT, false);
        }
        size += stringSize(connect.clientId());
        Will will = connect.will();
        if (will != null) {
            if (version.isV5()) {
                size += propertySectionSize(will.properties(), PacketType.CONNECT, true);
            }
            size += stringSize(will.topic()) + binarySize(will.payload());
        }
        if (connect.username() != null) {
            size += stringSize(connect.username());
        }
        if (connect.password() != null) {
            size += binarySize(connect.password());
        }
        return size;
    }

    private static long ackSize(MqttPacket packet, int packetId, ReasonCode reasonCode, MqttProperties properties,
                                MqttVersion version) {
        checkPacketId(packetId, packet);
        if (!version.isV5()) {
            return 2;
        }
        checkReasonCode(packet.type(), reasonCode);
        if (properties.isEmpty()) {
            return reasonCode == ReasonCode.SUCCESS ? 2 : 3;
        }
        return 3L + propertySectionSize(properties, packet.type(), false);
    }

    private static long subscribeSize(Subscribe subscribe, MqttVersion version) {
        checkPacketId(subscribe.packetId(), subscribe);
        requireNonEmpty(subscribe.subscriptions(), subscribe);
        long size = 2;
        if (version.isV5()) {
            size += propertySectionSize(subscribe.properties(), PacketType.SUBSCRIBE, false);
        }
        for (TopicSubscription subscription : subscribe.subscriptions()) {
            size += stringSize(subscription.topicFilter()) + 1;
        }
        return size;
    }

    // ------------------------------------------------------------------------------------------ writing

    private static int firstByte(MqttPacket packet) {
        int typeBits = packet.type().value() << 4;
        return switch (packet.type()) {
            case PUBLISH -> {
                Publish publish = (Publish) packet;
                int qos = publish.qos().value();
                boolean dup = publish.dup() && qos > 0;
                yield typeBits | (dup ? 0x08 : 0) | (qos << 1) | (publish.retainFlag() ? 0x01 : 0);
            }
            case PUBREL, SUBSCRIBE, UNSUBSCRIBE -> typeBits | 0x02; // [MQTT-2.1.3-1]
            default -> typeBits;
        };
    }

    private static void writeBody(ByteBuf out, MqttPacket packet, MqttVersion version) {
        switch (packet.type()) {
            case CONNECT -> writeConnect(out, (Connect) packet);
            case CONNACK -> {
                ConnAck connAck = (ConnAck) packet;
                out.writeByte(connAck.sessionPresent() ? 0x01 : 0x00);
                if (version.isV5()) {
                    out.writeByte(connAck.reasonCode().value());
                    writeProperties(out, connAck.properties());
                } else {
                    out.writeByte(connAck.reasonCode().toV3ConnectReturnCode());
                }
            }
            case PUBACK -> {
                PubAck ack = (PubAck) packet;
                writeAck(out, ack.packetId(), ack.reasonCode(), ack.properties(), version);
            }
            case PUBREC -> {
                PubRec ack = (PubRec) packet;
                writeAck(out, ack.packetId(), ack.reasonCode(), ack.properties(), version);
            }
            case PUBREL -> {
                PubRel ack = (PubRel) packet;
                writeAck(out, ack.packetId(), ack.reasonCode(), ack.properties(), version);
            }
            case PUBCOMP -> {
                PubComp ack = (PubComp) packet;
                writeAck(out, ack.packetId(), ack.reasonCode(), ack.properties(), version);
            }
            case SUBSCRIBE -> {
                Subscribe subscribe = (Subscribe) packet;
                out.writeShort(subscribe.packetId());
                if (version.isV5()) {
                    writeProperties(out, subscribe.properties());
                }
                for (TopicSubscription subscription : subscribe.subscriptions()) {
                    writeString(out, subscription.topicFilter());
                    out.writeByte(optionsByte(subscription.options(), version));
                }
            }
            case SUBACK -> {
                SubAck subAck = (SubAck) packet;
                out.writeShort(subAck.packetId());
                if (version.isV5()) {
                    writeProperties(out, subAck.properties());
                    for (ReasonCode code : subAck.reasonCodes()) {
                        out.writeByte(code.value());
                    }
                } else {
                    for (ReasonCode code : subAck.reasonCodes()) {
                        out.writeByte(v3SubAckCode(code));
                    }
                }
            }
            case UNSUBSCRIBE -> {
                Unsubscribe unsubscribe = (Unsubscribe) packet;
                out.writeShort(unsubscribe.packetId());
                if (version.isV5()) {
                    writeProperties(out, unsubscribe.properties());
                }
                for (String filter : unsubscribe.topicFilters()) {
                    writeString(out, filter);
                }
            }
            case UNSUBACK -> {
                UnsubAck unsubAck = (UnsubAck) packet;
                out.writeShort(unsubAck.packetId());
                if (version.isV5()) {
                    writeProperties(out, unsubAck.properties());
                    for (ReasonCode code : unsubAck.reasonCodes()) {
                        out.writeByte(code.value());
                    }
                }
            }
            case PINGREQ, PINGRESP -> {
            }
            case DISCONNECT -> {
                Disconnect disconnect = (Disconnect) packet;
                if (version.isV5()) {
                    writeShortForm(out, disconnect.reasonCode(), disconnect.properties(), true);
                }
            }
            case AUTH -> {
                Auth auth = (Auth) packet;
                writeShortForm(out, auth.reasonCode(), auth.properties(), false);
            }
            case PUBLISH -> throw new IllegalStateException("PUBLISH is encoded by encodePublish");
        }
    }

    /** Reason code and properties of DISCONNECT or AUTH: both omitted for Success without properties. */
    private static void writeShortForm(ByteBuf out, ReasonCode reasonCode, MqttProperties properties,
                                       boolean codeAlone) {
        if (properties.isEmpty()) {
            if (reasonCode == ReasonCode.SUCCESS) {
                return;
            }
            if (codeAlone) {
                out.writeByte(reasonCode.value());
                return;
            }
        }
        out.writeByte(reasonCode.value());
        writeProperties(out, properties);
    }

    private static void writeConnect(ByteBuf out, Connect connect) {
        MqttVersion version = connect.version();
        writeString(out, version.protocolName());
        out.writeByte(version.level());
        Will will = connect.will();
        int flags = (connect.cleanStart() ? 0x02 : 0);
        if (will != null) {
            flags |= 0x04 | (will.qos().value() << 3) | (will.retain() ? 0x20 : 0);
        }
        if (connect.password() != null) {
            flags |= 0x40;
        }
        if (connect.username() != null) {
            flags |= 0x80;
        }
        out.writeByte(flags);
        out.writeShort(connect.keepAliveSeconds());
        if (version.isV5()) {
            writeProperties(out, connect.properties());
        }
        writeString(out, connect.clientId());
        if (will != null) {
            if (version.isV5()) {
                writeProperties(out, will.properties());
            }
            writeString(out, will.topic());
            writeBinary(out, will.payload());
        }
        if (connect.username() != null) {
            writeString(out, connect.username());
        }
        if (connect.password() != null) {
            writeBinary(out, connect.password());
        }
    }

    private static void writeAck(ByteBuf out, int packetId, ReasonCode reasonCode, MqttProperties properties,
                                 MqttVersion version) {
        out.writeShort(packetId);
        if (!version.isV5()) {
            return;
        }
        if (properties.isEmpty()) {
            if (reasonCode != ReasonCode.SUCCESS) {
                out.writeByte(reasonCode.value());
            }
            return;
        }
        out.writeByte(reasonCode.value());
        writeProperties(out, properties);
    }

    private static int optionsByte(SubscriptionOptions options, MqttVersion version) {
        int value = options.maximumQos().value();
        if (version.isV5()) {
            value |= (options.noLocal() ? 0x04 : 0) | (options.retainAsPublished() ? 0x08 : 0)
                    | (options.retainHandling().value() << 4);
        }
        return value;
    }

    private static int v3SubAckCode(ReasonCode code) {
        if (code.isError()) {
            return 0x80;
        }
        if (code == ReasonCode.GRANTED_QOS_0 || code == ReasonCode.GRANTED_QOS_1 || code == ReasonCode.GRANTED_QOS_2) {
            return code.value();
        }
        throw new IllegalArgumentException("MQTT 3.x SUBACK cannot carry " + code);
    }

    // ------------------------------------------------------------------------------------------ properties

    /** Size of a property section including its length prefix; validates the properties for the packet. */
    private static int propertySectionSize(MqttProperties properties, PacketType packetType, boolean will) {
        int length = propertiesLength(properties, packetType, will);
        return variableByteIntegerSize(length) + length;
    }

    /** Length of the properties; validates them for the packet (or Will) unless packetType is null. */
    private static int propertiesLength(MqttProperties properties, PacketType packetType, boolean will) {
        if (properties.isEmpty()) {
            return 0;
        }
        long length = 0;
        for (PropertyId id : PROPERTY_IDS) {
            Object value = properties.rawValue(id);
            if (value == null || id.repeatable()) {
                continue;
            }
            checkAllowed(id, packetType, will);
            length += 1 + switch (id.type()) {
                case BYTE -> 1;
                case TWO_BYTE_INTEGER -> 2;
                case FOUR_BYTE_INTEGER -> 4;
                case UTF8_STRING -> stringSize((String) value);
                case BINARY_DATA -> binarySize((byte[]) value);
                case VARIABLE_BYTE_INTEGER, UTF8_STRING_PAIR -> throw new IllegalStateException(id.toString());
            };
        }
        List<Integer> subscriptionIds = properties.subscriptionIdentifiers();
        if (!subscriptionIds.isEmpty()) {
            checkAllowed(PropertyId.SUBSCRIPTION_IDENTIFIER, packetType, will);
            if (packetType == PacketType.SUBSCRIBE && subscriptionIds.size() > 1) {
                throw new IllegalArgumentException("SUBSCRIBE carries at most one Subscription Identifier");
            }
            for (int identifier : subscriptionIds) {
                if (identifier < 1 || identifier > MAX_REMAINING_LENGTH) {
                    throw new IllegalArgumentException("Subscription Identifier out of range: " + identifier);
                }
                length += 1 + variableByteIntegerSize(identifier);
            }
        }
        List<UserProperty> userProperties = properties.userProperties();
        if (!userProperties.isEmpty()) {
            checkAllowed(PropertyId.USER_PROPERTY, packetType, will);
            for (UserProperty property : userProperties) {
                length += 1 + stringSize(property.name()) + stringSize(property.value());
            }
        }
        return checkRemainingLength(length);
    }

    private static void checkAllowed(PropertyId id, PacketType packetType, boolean will) {
        if (packetType == null) {
            return; // already validated when the size was computed
        }
        if (will ? !id.inWill() : !id.allowedIn(packetType)) {
            throw new IllegalArgumentException("property " + id + " is not allowed in "
                    + (will ? "Will Properties" : packetType.toString()));
        }
    }

    private static void writeProperties(ByteBuf out, MqttProperties properties) {
        if (properties.isEmpty()) {
            out.writeByte(0);
            return;
        }
        int lengthIndex = out.writerIndex();
        int length = propertiesLength(properties, null, false);
        writeVariableByteInteger(out, length);
        for (PropertyId id : PROPERTY_IDS) {
            Object value = properties.rawValue(id);
            if (value == null || id.repeatable()) {
                continue;
            }
            out.writeByte(id.id());
            switch (id.type()) {
                case BYTE -> out.writeByte((Integer) value);
                case TWO_BYTE_INTEGER -> out.writeShort((Integer) value);
                case FOUR_BYTE_INTEGER -> out.writeInt((Integer) value);
                case UTF8_STRING -> writeString(out, (String) value);
                case BINARY_DATA -> writeBinary(out, (byte[]) value);
                case VARIABLE_BYTE_INTEGER, UTF8_STRING_PAIR -> throw new IllegalStateException(id.toString());
            }
        }
        for (int identifier : properties.subscriptionIdentifiers()) {
            out.writeByte(PropertyId.SUBSCRIPTION_IDENTIFIER.id());
            writeVariableByteInteger(out, identifier);
        }
        for (UserProperty property : properties.userProperties()) {
            out.writeByte(PropertyId.USER_PROPERTY.id());
            writeString(out, property.name());
            writeString(out, property.value());
        }
        assert out.writerIndex() - lengthIndex == variableByteIntegerSize(length) + length;
    }

    // ------------------------------------------------------------------------------------------ primitives

    private static int stringSize(String value) {
        int length = ByteBufUtil.utf8Bytes(value);
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("string of " + length + " UTF-8 bytes exceeds 65535 [MQTT-1.5.4]");
        }
        return 2 + length;
    }

    private static int binarySize(byte[] value) {
        if (value.length > 0xFFFF) {
            throw new IllegalArgumentException("binary data of " + value.length + " bytes exceeds 65535 [MQTT-1.5.6]");
        }
        return 2 + value.length;
    }

    private static void writeString(ByteBuf out, String value) {
        // The exact length, not writeUtf8's worst-case reservation: buffers are allocated to the exact size.
        int length = ByteBufUtil.utf8Bytes(value);
        out.writeShort(length);
        ByteBufUtil.reserveAndWriteUtf8(out, value, length);
    }

    private static void writeBinary(ByteBuf out, byte[] value) {
        out.writeShort(value.length);
        out.writeBytes(value);
    }

    static int variableByteIntegerSize(int value) {
        if (value < 128) {
            return 1;
        }
        if (value < 16_384) {
            return 2;
        }
        if (value < 2_097_152) {
            return 3;
        }
        return 4;
    }

    static void writeVariableByteInteger(ByteBuf out, int value) {
        int remaining = value;
        do {
            int digit = remaining & 0x7F;
            remaining >>>= 7;
            out.writeByte(remaining > 0 ? digit | 0x80 : digit);
        } while (remaining > 0);
    }

    private static int checkRemainingLength(long length) {
        if (length > MAX_REMAINING_LENGTH) {
            throw new IllegalArgumentException("packet body of " + length + " bytes exceeds the protocol maximum of "
                    + MAX_REMAINING_LENGTH + " [MQTT-2.1.4]");
        }
        return (int) length;
    }

    private static void checkPacketId(int packetId, MqttPacket packet) {
        if (packetId < 1 || packetId > 0xFFFF) {
            throw new IllegalArgumentException(packet.type() + " packet identifier must be 1..65535, got " + packetId
                    + " [MQTT-2.2.1-3]");
        }
    }

    private static void checkReasonCode(PacketType type, ReasonCode code) {
        if (!AllowedReasonCodes.isAllowed(type, code)) {
            throw new IllegalArgumentException(code + " is not a reason code of " + type);
        }
    }

    private static void requireNonEmpty(List<?> list, MqttPacket packet) {
        if (list.isEmpty()) {
            throw new IllegalArgumentException(packet.type() + " needs at least one entry");
        }
    }
}
