package io.starling.codec;

import io.netty.buffer.ByteBuf;
import io.starling.codec.packet.Auth;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.Disconnect;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PingReq;
import io.starling.codec.packet.PingResp;
import io.starling.codec.packet.PubAck;
import io.starling.codec.packet.PubComp;
import io.starling.codec.packet.PubRec;
import io.starling.codec.packet.PubRel;
import io.starling.codec.packet.Publish;
import io.starling.codec.packet.RetainHandling;
import io.starling.codec.packet.SubAck;
import io.starling.codec.packet.Subscribe;
import io.starling.codec.packet.SubscriptionOptions;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.packet.UnsubAck;
import io.starling.codec.packet.Unsubscribe;
import io.starling.codec.packet.Will;
import io.starling.codec.property.MqttProperties;
import io.starling.codec.property.PropertyId;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.starling.codec.ReasonCode.MALFORMED_PACKET;
import static io.starling.codec.ReasonCode.PROTOCOL_ERROR;

/**
 * Decodes MQTT packets from a byte stream, one connection's worth of state (the protocol version, learned from
 * CONNECT or set up front by a client). Not thread-safe: one instance per connection.
 *
 * <p>Validation choices where the specification leaves the reason code open:
 * <ul>
 *   <li>A first packet other than CONNECT (version still unknown) is a Protocol Error ([MQTT-3.1.0-1]).</li>
 *   <li>An unknown protocol name or level in CONNECT is {@link ReasonCode#UNSUPPORTED_PROTOCOL_VERSION}
 *       ([MQTT-3.1.2-1], [MQTT-3.1.2-2]); the version then stays unknown.</li>
 *   <li>A CONNECT arriving once the version is known is decoded (it is self-describing) without changing the
 *       version; refusing a second CONNECT ([MQTT-3.1.0-2]) is the session's job.</li>
 *   <li>A variable byte integer not in its shortest form is Malformed ([MQTT-1.5.5-1]).</li>
 *   <li>Wildcards in a PUBLISH topic or in a Will Topic are {@link ReasonCode#TOPIC_NAME_INVALID}
 *       ([MQTT-3.3.2-2], [MQTT-4.7.0-1]); so is an empty topic name in 3.x or an empty Will Topic
 *       ([MQTT-4.7.3-1]). An empty 5.0 PUBLISH topic without a Topic Alias is a Protocol Error.</li>
 *   <li>Packet identifier 0 where one is required is a Protocol Error ([MQTT-2.2.1-3]).</li>
 *   <li>DUP set on QoS 0 is a Protocol Error ([MQTT-3.3.1-2]); QoS 3 is Malformed ([MQTT-3.3.1-4]).</li>
 *   <li>Topic filter validity is not checked here: the broker answers each filter in SUBACK/UNSUBACK.</li>
 * </ul>
 */
public final class MqttPacketDecoder {

    /** Largest packet the protocol can express: 268,435,455 bytes of remaining length plus a 5-byte fixed header. */
    public static final int PROTOCOL_MAXIMUM_PACKET_SIZE = 268_435_455 + 5;

    private static final int MAX_VARIABLE_BYTE_INTEGER = 268_435_455;

    private final int maximumPacketSize;
    private MqttVersion version;

    // The packet being decoded: its bytes are buf[pos, end). Reads never pass end, so a remaining length that
    // is too short shows as a Malformed Packet instead of reading into the next packet.
    private ByteBuf buf;
    private int pos;
    private int end;
    private PacketType type;

    /**
     * @param maximumPacketSize the largest whole packet (fixed header included) accepted; a larger one fails
     *                          with {@link ReasonCode#PACKET_TOO_LARGE} as soon as its fixed header is read
     * @param version           the version to decode, or null on the server side until CONNECT arrives
     */
    public MqttPacketDecoder(int maximumPacketSize, MqttVersion version) {
        this.maximumPacketSize = maximumPacketSize;
        this.version = version;
    }

    public MqttVersion version() {
        return version;
    }

    public void version(MqttVersion version) {
        this.version = version;
    }

    /**
     * Decodes one packet from {@code in}. Returns null, with the reader index untouched, when {@code in} does not
     * yet hold a whole packet; on success advances the reader index past the packet. A PUBLISH payload is a
     * retained slice of {@code in}. Throws {@link MqttDecodeException} for any violation, including a packet
     * over the maximum size (detected from the fixed header before the body arrives); the reader index is then
     * left untouched and no reference to {@code in} is kept.
     */
    public MqttPacket decode(ByteBuf in) {
        int start = in.readerIndex();
        int available = in.writerIndex() - start;
        if (available < 1) {
            return null;
        }
        int firstByte = in.getUnsignedByte(start);
        PacketType packetType = checkFirstByte(firstByte);

        // Remaining length: a variable byte integer of at most four bytes ([MQTT-1.5.5]).
        int remainingLength = 0;
        int lengthBytes = 0;
        while (true) {
            if (lengthBytes == 4) {
                throw new MqttDecodeException(MALFORMED_PACKET, packetType,
                        "remaining length longer than 4 bytes [MQTT-1.5.5]");
            }
            if (1 + lengthBytes >= available) {
                return null;
            }
            int b = in.getUnsignedByte(start + 1 + lengthBytes);
            remainingLength |= (b & 0x7F) << (7 * lengthBytes);
            lengthBytes++;
            if ((b & 0x80) == 0) {
                if (b == 0 && lengthBytes > 1) {
                    throw new MqttDecodeException(MALFORMED_PACKET, packetType,
                            "remaining length not encoded in the minimum number of bytes [MQTT-1.5.5-1]");
                }
                break;
            }
        }
        int headerSize = 1 + lengthBytes;
        if ((long) headerSize + remainingLength > maximumPacketSize) {
            throw new MqttDecodeException(ReasonCode.PACKET_TOO_LARGE, packetType, "packet of "
                    + ((long) headerSize + remainingLength) + " bytes exceeds the maximum of " + maximumPacketSize);
        }
        if (available < headerSize + remainingLength) {
            return null;
        }

        buf = in;
        pos = start + headerSize;
        end = pos + remainingLength;
        type = packetType;
        try {
            MqttPacket packet = decodeBody(firstByte & 0x0F);
            if (pos != end) {
                // Only reachable for packets whose body is not read up to its end (e.g. fixed-size ones).
                throw malformed("remaining length " + remainingLength + " exceeds the packet's content by "
                        + (end - pos) + " bytes");
            }
            in.readerIndex(end);
            return packet;
        } finally {
            buf = null;
        }
    }

    /** Validates the packet type and the reserved flag bits of the first byte ([MQTT-2.1.3-1]). */
    private PacketType checkFirstByte(int firstByte) {
        PacketType packetType = PacketType.of(firstByte >>> 4);
        int flags = firstByte & 0x0F;
        if (packetType == null) {
            throw new MqttDecodeException(MALFORMED_PACKET, null, "reserved packet type 0 [MQTT-2.1.2]");
        }
        if (version == null && packetType != PacketType.CONNECT) {
            throw new MqttDecodeException(PROTOCOL_ERROR, packetType,
                    "first packet must be CONNECT, got " + packetType + " [MQTT-3.1.0-1]");
        }
        if (packetType == PacketType.AUTH && version != null && !version.isV5()) {
            throw new MqttDecodeException(MALFORMED_PACKET, packetType, "packet type 15 is reserved before MQTT 5.0");
        }
        switch (packetType) {
            case PUBLISH -> {
                int qos = (flags >>> 1) & 0x03;
                if (qos == 3) {
                    throw new MqttDecodeException(MALFORMED_PACKET, packetType, "PUBLISH with QoS 3 [MQTT-3.3.1-4]");
                }
                if (qos == 0 && (flags & 0x08) != 0) {
                    throw new MqttDecodeException(PROTOCOL_ERROR, packetType,
                            "PUBLISH with QoS 0 and DUP set [MQTT-3.3.1-2]");
                }
            }
            case PUBREL, SUBSCRIBE, UNSUBSCRIBE -> {
                // MQTT 3.1 let a client set DUP on resent PUBREL, SUBSCRIBE and UNSUBSCRIBE.
                boolean legacyDup = version == MqttVersion.MQTT_3_1 && flags == 0x0A;
                if (flags != 0x02 && !legacyDup) {
                    throw new MqttDecodeException(MALFORMED_PACKET, packetType,
                            packetType + " fixed header flags must be 0010, got " + flagBits(flags) + " [MQTT-2.1.3-1]");
                }
            }
            default -> {
                if (flags != 0) {
                    throw new MqttDecodeException(MALFORMED_PACKET, packetType,
                            packetType + " fixed header flags must be 0000, got " + flagBits(flags) + " [MQTT-2.1.3-1]");
                }
            }
        }
        return packetType;
    }

    private static String flagBits(int flags) {
        return String.valueOf((flags >>> 3) & 1) + ((flags >>> 2) & 1) + ((flags >>> 1) & 1) + (flags & 1);
    }

    private MqttPacket decodeBody(int flags) {
        return switch (type) {
            case CONNECT -> decodeConnect();
            case CONNACK -> decodeConnAck();
            case PUBLISH -> decodePublish(flags);
            case PUBACK -> {
                int packetId = readPacketId();
                yield version.isV5() ? new PubAck(packetId, readAckReasonCode(), readAckProperties())
                        : new PubAck(packetId);
            }
            case PUBREC -> {
                int packetId = readPacketId();
                yield version.isV5() ? new PubRec(packetId, readAckReasonCode(), readAckProperties())
                        : new PubRec(packetId);
            }
            case PUBREL -> {
                int packetId = readPacketId();
                yield version.isV5() ? new PubRel(packetId, readAckReasonCode(), readAckProperties())
                        : new PubRel(packetId);
            }
            case PUBCOMP -> {
                int packetId = readPacketId();
                yield version.isV5() ? new PubComp(packetId, readAckReasonCode(), readAckProperties())
                        : new PubComp(packetId);
            }
            case SUBSCRIBE -> decodeSubscribe();
            case SUBACK -> decodeSubAck();
            case UNSUBSCRIBE -> decodeUnsubscribe();
            case UNSUBACK -> decodeUnsubAck();
            case PINGREQ -> PingReq.INSTANCE;
            case PINGRESP -> PingResp.INSTANCE;
            case DISCONNECT -> decodeDisconnect();
            case AUTH -> decodeAuth();
        };
    }

    // ---------------------------------------------------------------------------------------------- CONNECT

    private Connect decodeConnect() {
        String protocolName = readString();
        int level = readUnsignedByte();
        MqttVersion connectVersion = MqttVersion.of(protocolName, level);
        if (connectVersion == null) {
            if (!protocolName.equals("MQTT") && !protocolName.equals("MQIsdp")) {
                throw new MqttDecodeException(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, type,
                        "unknown protocol name '" + protocolName + "' [MQTT-3.1.2-1]");
            }
            throw new MqttDecodeException(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, type,
                    "unsupported protocol level " + level + " for '" + protocolName + "' [MQTT-3.1.2-2]");
        }
        int flags = readUnsignedByte();
        if ((flags & 0x01) != 0) {
            throw malformed("CONNECT reserved flag bit 0 is set [MQTT-3.1.2-3]");
        }
        boolean cleanStart = (flags & 0x02) != 0;
        boolean willFlag = (flags & 0x04) != 0;
        int willQos = (flags >>> 3) & 0x03;
        boolean willRetain = (flags & 0x20) != 0;
        boolean passwordFlag = (flags & 0x40) != 0;
        boolean usernameFlag = (flags & 0x80) != 0;
        if (!willFlag && willQos != 0) {
            throw malformed("Will QoS must be 0 when the Will Flag is 0 [MQTT-3.1.2-11]");
        }
        if (!willFlag && willRetain) {
            throw malformed("Will Retain must be 0 when the Will Flag is 0 [MQTT-3.1.2-13]");
        }
        if (willQos == 3) {
            throw malformed("Will QoS 3 [MQTT-3.1.2-14]");
        }
        if (!connectVersion.isV5() && passwordFlag && !usernameFlag) {
            throw malformed("Password Flag set without User Name Flag [MQTT-3.1.2-22]");
        }
        int keepAlive = readUnsignedShort();
        MqttProperties properties = connectVersion.isV5() ? readProperties(PacketType.CONNECT, false)
                : MqttProperties.EMPTY;
        String clientId = readString();
        Will will = null;
        if (willFlag) {
            MqttProperties willProperties = connectVersion.isV5() ? readProperties(PacketType.CONNECT, true)
                    : MqttProperties.EMPTY;
            String willTopic = readString();
            if (willTopic.isEmpty()) {
                throw new MqttDecodeException(ReasonCode.TOPIC_NAME_INVALID, type, "empty Will Topic [MQTT-4.7.3-1]");
            }
            if (containsWildcard(willTopic)) {
                throw new MqttDecodeException(ReasonCode.TOPIC_NAME_INVALID, type,
                        "Will Topic contains a wildcard [MQTT-4.7.0-1]");
            }
            byte[] willPayload = readBinary();
            will = new Will(willTopic, willPayload, QoS.of(willQos), willRetain, willProperties);
        }
        String username = usernameFlag ? readString() : null;
        byte[] password = passwordFlag ? readBinary() : null;
        requireEnd();
        if (version == null) {
            version = connectVersion;
        }
        return new Connect(connectVersion, clientId, cleanStart, keepAlive, username, password, will, properties);
    }

    private ConnAck decodeConnAck() {
        int ackFlags = readUnsignedByte();
        if ((ackFlags & 0xFE) != 0) {
            throw malformed("CONNACK acknowledge flags bits 7-1 are reserved [MQTT-3.2.2-1]");
        }
        boolean sessionPresent = (ackFlags & 0x01) != 0;
        int code = readUnsignedByte();
        ReasonCode reasonCode;
        MqttProperties properties;
        if (version.isV5()) {
            reasonCode = AllowedReasonCodes.lookup(PacketType.CONNACK, code);
            if (reasonCode == null) {
                throw malformed("CONNACK reason code 0x" + Integer.toHexString(code) + " is not defined for CONNACK");
            }
            properties = readProperties(PacketType.CONNACK, false);
        } else {
            reasonCode = ReasonCode.fromV3ConnectReturnCode(code);
            if (reasonCode == null) {
                throw malformed("CONNACK return code " + code + " is reserved [MQTT-3.2.2.3]");
            }
            properties = MqttProperties.EMPTY;
        }
        if (sessionPresent && reasonCode != ReasonCode.SUCCESS) {
            throw protocolError("CONNACK refusing the connection with Session Present set [MQTT-3.2.2-6]");
        }
        requireEnd();
        return new ConnAck(sessionPresent, reasonCode, properties);
    }

    // ---------------------------------------------------------------------------------------------- PUBLISH

    private Publish decodePublish(int flags) {
        QoS qos = QoS.of((flags >>> 1) & 0x03);
        boolean dup = (flags & 0x08) != 0;
        boolean retain = (flags & 0x01) != 0;
        String topic = readString();
        int packetId = qos == QoS.AT_MOST_ONCE ? 0 : readPacketId();
        MqttProperties properties = version.isV5() ? readProperties(PacketType.PUBLISH, false)
                : MqttProperties.EMPTY;
        if (topic.isEmpty()) {
            if (!version.isV5()) {
                throw new MqttDecodeException(ReasonCode.TOPIC_NAME_INVALID, type, "empty topic name [MQTT-4.7.3-1]");
            }
            if (properties.topicAlias() == null) {
                throw protocolError("empty topic name without a Topic Alias (MQTT 5.0 section 3.3.2.1)");
            }
        } else if (containsWildcard(topic)) {
            throw new MqttDecodeException(ReasonCode.TOPIC_NAME_INVALID, type,
                    "PUBLISH topic contains a wildcard [MQTT-3.3.2-2]");
        }
        // The payload is whatever remains: a retained slice, never a copy.
        ByteBuf payload = buf.retainedSlice(pos, end - pos);
        pos = end;
        return new Publish(topic, qos, retain, dup, packetId, properties, payload);
    }

    private static boolean containsWildcard(String topic) {
        return topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0;
    }

    // ----------------------------------------------------------------------------- PUBACK, PUBREC, PUBREL, PUBCOMP

    /** Reason code of a 5.0 publish acknowledgement: absent when only the packet id is present ([MQTT-3.4.2.1]). */
    private ReasonCode readAckReasonCode() {
        if (pos == end) {
            return ReasonCode.SUCCESS;
        }
        return readReasonCode();
    }

    /** Properties of a 5.0 acknowledgement: absent when the reason code ends the packet ([MQTT-3.4.2.2]). */
    private MqttProperties readAckProperties() {
        if (pos == end) {
            return MqttProperties.EMPTY;
        }
        MqttProperties properties = readProperties(type, false);
        requireEnd();
        return properties;
    }

    private ReasonCode readReasonCode() {
        int code = readUnsignedByte();
        ReasonCode reasonCode = AllowedReasonCodes.lookup(type, code);
        if (reasonCode == null) {
            throw malformed("reason code 0x" + Integer.toHexString(code) + " is not defined for " + type);
        }
        return reasonCode;
    }

    // ------------------------------------------------------------------------------------ SUBSCRIBE, UNSUBSCRIBE

    private Subscribe decodeSubscribe() {
        int packetId = readPacketId();
        MqttProperties properties = version.isV5() ? readProperties(PacketType.SUBSCRIBE, false)
                : MqttProperties.EMPTY;
        List<TopicSubscription> subscriptions = new ArrayList<>();
        while (pos < end) {
            String filter = readString();
            int options = readUnsignedByte();
            subscriptions.add(new TopicSubscription(filter, subscriptionOptions(filter, options)));
        }
        if (subscriptions.isEmpty()) {
            throw protocolError("SUBSCRIBE without any topic filter [MQTT-3.8.3-3]");
        }
        return new Subscribe(packetId, subscriptions, properties);
    }

    private SubscriptionOptions subscriptionOptions(String filter, int options) {
        int qos = options & 0x03;
        if (!version.isV5()) {
            if ((options & 0xFC) != 0) {
                throw malformed("SUBSCRIBE requested QoS byte has reserved bits set [MQTT-3-8.3-4]");
            }
            if (qos == 3) {
                throw malformed("SUBSCRIBE requested QoS 3 [MQTT-3-8.3-4]");
            }
            return SubscriptionOptions.of(QoS.of(qos));
        }
        if ((options & 0xC0) != 0) {
            throw malformed("subscription options bits 7-6 are reserved [MQTT-3.8.3-5]");
        }
        if (qos == 3) {
            throw malformed("subscription options maximum QoS 3 [MQTT-3.8.3.1]");
        }
        boolean noLocal = (options & 0x04) != 0;
        boolean retainAsPublished = (options & 0x08) != 0;
        int retainHandling = (options >>> 4) & 0x03;
        if (retainHandling == 3) {
            throw protocolError("subscription options retain handling 3 [MQTT-3.8.3.1]");
        }
        if (noLocal && Topics.isShared(filter)) {
            throw protocolError("No Local set on a shared subscription [MQTT-3.8.3-4]");
        }
        return new SubscriptionOptions(QoS.of(qos), noLocal, retainAsPublished, RetainHandling.of(retainHandling));
    }

    private SubAck decodeSubAck() {
        int packetId = readPacketId();
        MqttProperties properties = version.isV5() ? readProperties(PacketType.SUBACK, false) : MqttProperties.EMPTY;
        List<ReasonCode> codes = new ArrayList<>(end - pos);
        while (pos < end) {
            if (version.isV5()) {
                codes.add(readReasonCode());
            } else {
                int code = readUnsignedByte();
                switch (code) {
                    case 0x00, 0x01, 0x02 -> codes.add(ReasonCode.granted(QoS.of(code)));
                    case 0x80 -> codes.add(ReasonCode.UNSPECIFIED_ERROR);
                    default -> throw malformed("SUBACK return code 0x" + Integer.toHexString(code)
                            + " is reserved [MQTT-3.9.3]");
                }
            }
        }
        if (codes.isEmpty()) {
            throw protocolError("SUBACK without any return code [MQTT-3.9.3]");
        }
        return new SubAck(packetId, codes, properties);
    }

    private Unsubscribe decodeUnsubscribe() {
        int packetId = readPacketId();
        MqttProperties properties = version.isV5() ? readProperties(PacketType.UNSUBSCRIBE, false)
                : MqttProperties.EMPTY;
        List<String> filters = new ArrayList<>();
        while (pos < end) {
            filters.add(readString());
        }
        if (filters.isEmpty()) {
            throw protocolError("UNSUBSCRIBE without any topic filter [MQTT-3.10.3-2]");
        }
        return new Unsubscribe(packetId, filters, properties);
    }

    private UnsubAck decodeUnsubAck() {
        int packetId = readPacketId();
        if (!version.isV5()) {
            requireEnd();
            return new UnsubAck(packetId, List.of(), MqttProperties.EMPTY);
        }
        MqttProperties properties = readProperties(PacketType.UNSUBACK, false);
        List<ReasonCode> codes = new ArrayList<>(end - pos);
        while (pos < end) {
            codes.add(readReasonCode());
        }
        if (codes.isEmpty()) {
            throw protocolError("UNSUBACK without any reason code [MQTT-3.11.3]");
        }
        return new UnsubAck(packetId, codes, properties);
    }

    // ------------------------------------------------------------------------------------------ DISCONNECT, AUTH

    private Disconnect decodeDisconnect() {
        if (!version.isV5() || pos == end) {
            // 3.x DISCONNECT has no variable header; a 5.0 one with Remaining Length 0 means Normal disconnection.
            requireEnd();
            return Disconnect.NORMAL;
        }
        ReasonCode reasonCode = readReasonCode();
        MqttProperties properties = pos == end ? MqttProperties.EMPTY : readProperties(PacketType.DISCONNECT, false);
        requireEnd();
        return new Disconnect(reasonCode, properties);
    }

    private Auth decodeAuth() {
        if (pos == end) {
            // Remaining Length 0: Success without properties ([MQTT-3.15.2.1]).
            return new Auth(ReasonCode.SUCCESS, MqttProperties.EMPTY);
        }
        ReasonCode reasonCode = readReasonCode();
        MqttProperties properties = pos == end ? MqttProperties.EMPTY : readProperties(PacketType.AUTH, false);
        requireEnd();
        if (!properties.isEmpty() && properties.authenticationMethod() == null) {
            throw protocolError("AUTH without Authentication Method [MQTT-3.15.2.2.2]");
        }
        return new Auth(reasonCode, properties);
    }

    // ---------------------------------------------------------------------------------------------- properties

    /**
     * Reads a property section ([MQTT-2.2.2]): unknown identifiers are Malformed, properties not allowed in the
     * packet (or the Will) and repeated single-valued ones are Protocol Errors, as are out-of-range values.
     */
    private MqttProperties readProperties(PacketType packetType, boolean will) {
        int length = readVariableByteInteger();
        if (length == 0) {
            return MqttProperties.EMPTY;
        }
        if (length > end - pos) {
            throw malformed("property length " + length + " exceeds the remaining " + (end - pos) + " bytes");
        }
        int outerEnd = end;
        end = pos + length; // reads past the property section now fail as Malformed
        MqttProperties.Builder builder = MqttProperties.builder();
        long seen = 0; // bit per identifier: every identifier is below 64
        int subscriptionIds = 0;
        String where = will ? "Will Properties" : packetType.toString();
        while (pos < end) {
            int id = readVariableByteInteger();
            PropertyId property = PropertyId.of(id);
            if (property == null) {
                throw malformed("unknown property identifier 0x" + Integer.toHexString(id) + " in " + where);
            }
            if (will ? !property.inWill() : !property.allowedIn(packetType)) {
                throw protocolError("property " + property + " is not allowed in " + where + " [MQTT-2.2.2.2]");
            }
            long bit = 1L << id;
            if ((seen & bit) != 0 && !property.repeatable()) {
                throw protocolError("property " + property + " appears more than once in " + where + " [MQTT-2.2.2.2]");
            }
            seen |= bit;
            switch (property.type()) {
                case BYTE -> {
                    int value = readUnsignedByte();
                    // Every byte property is a 0/1 flag ([MQTT-3.1.2.11], [MQTT-3.2.2.3], [MQTT-3.3.2.3.2]).
                    if (value > 1) {
                        throw protocolError("property " + property + " must be 0 or 1, got " + value);
                    }
                    builder.setInt(property, value);
                }
                case TWO_BYTE_INTEGER -> {
                    int value = readUnsignedShort();
                    if (value == 0 && property == PropertyId.RECEIVE_MAXIMUM) {
                        throw protocolError("property RECEIVE_MAXIMUM must not be 0 [MQTT-3.1.2.11.3]");
                    }
                    if (value == 0 && property == PropertyId.TOPIC_ALIAS) {
                        // [MQTT-3.3.2-8]; section 3.3.2.3.4 names the reaction: DISCONNECT 0x94 Topic Alias invalid.
                        throw new MqttDecodeException(ReasonCode.TOPIC_ALIAS_INVALID, PacketType.PUBLISH,
                                "Topic Alias must not be 0 [MQTT-3.3.2-8]");
                    }
                    builder.setInt(property, value);
                }
                case FOUR_BYTE_INTEGER -> {
                    int value = readInt();
                    if (value == 0 && property == PropertyId.MAXIMUM_PACKET_SIZE) {
                        throw protocolError("property MAXIMUM_PACKET_SIZE must not be 0 [MQTT-3.1.2.11.4]");
                    }
                    builder.setInt(property, value);
                }
                case VARIABLE_BYTE_INTEGER -> { // only Subscription Identifier
                    int value = readVariableByteInteger();
                    if (value == 0) {
                        throw protocolError("Subscription Identifier 0 [MQTT-3.8.2.1.2]");
                    }
                    if (packetType == PacketType.SUBSCRIBE && ++subscriptionIds > 1) {
                        throw protocolError("more than one Subscription Identifier in SUBSCRIBE [MQTT-3.8.2.1.2]");
                    }
                    builder.addSubscriptionIdentifier(value);
                }
                case UTF8_STRING -> {
                    String value = readString();
                    if (property == PropertyId.RESPONSE_TOPIC && (value.isEmpty() || containsWildcard(value))) {
                        throw protocolError("Response Topic must be a valid topic name [MQTT-3.3.2-14]");
                    }
                    builder.setString(property, value);
                }
                case BINARY_DATA -> builder.setBinary(property, readBinary());
                case UTF8_STRING_PAIR -> {
                    String name = readString();
                    String value = readString();
                    builder.addUserProperty(name, value);
                }
            }
        }
        end = outerEnd;
        MqttProperties properties = builder.build();
        if (properties.has(PropertyId.AUTHENTICATION_DATA) && !properties.has(PropertyId.AUTHENTICATION_METHOD)) {
            throw protocolError("Authentication Data without Authentication Method [MQTT-3.1.2.11.10]");
        }
        return properties;
    }

    // ---------------------------------------------------------------------------------------------- primitives

    private void require(int bytes) {
        if (end - pos < bytes) {
            throw malformed(type + " ends before its content: " + bytes + " more bytes needed, " + (end - pos)
                    + " left within the remaining length");
        }
    }

    private void requireEnd() {
        if (pos != end) {
            throw malformed(type + " has " + (end - pos) + " unexpected bytes after its content");
        }
    }

    private int readUnsignedByte() {
        require(1);
        return buf.getUnsignedByte(pos++);
    }

    private int readUnsignedShort() {
        require(2);
        int value = buf.getUnsignedShort(pos);
        pos += 2;
        return value;
    }

    private int readInt() {
        require(4);
        int value = buf.getInt(pos);
        pos += 4;
        return value;
    }

    private int readPacketId() {
        int packetId = readUnsignedShort();
        if (packetId == 0) {
            throw protocolError(type + " with packet identifier 0 [MQTT-2.2.1-3]");
        }
        return packetId;
    }

    private int readVariableByteInteger() {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int b = readUnsignedByte();
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw malformed("variable byte integer not in its shortest form [MQTT-1.5.5-1]");
                }
                return value;
            }
        }
        throw malformed("variable byte integer longer than 4 bytes [MQTT-1.5.5]");
    }

    private byte[] readBinary() {
        int length = readUnsignedShort();
        require(length);
        byte[] bytes = new byte[length];
        buf.getBytes(pos, bytes);
        pos += length;
        return bytes;
    }

    /** A UTF-8 Encoded String ([MQTT-1.5.4]): well-formed, no surrogates, no U+0000. */
    private String readString() {
        int length = readUnsignedShort();
        require(length);
        int start = pos;
        boolean ascii = Utf8.validate(buf, start, length, this);
        pos += length;
        return buf.toString(start, length, ascii ? StandardCharsets.US_ASCII : StandardCharsets.UTF_8);
    }

    MqttDecodeException malformed(String message) {
        return new MqttDecodeException(MALFORMED_PACKET, type, message);
    }

    MqttDecodeException protocolError(String message) {
        return new MqttDecodeException(PROTOCOL_ERROR, type, message);
    }

    /** UTF-8 validation as MQTT wants it, without decoding twice or allocating. */
    static final class Utf8 {
        private Utf8() {
        }

        /** Validates bytes [index, index+length); returns true when they are all ASCII. */
        static boolean validate(ByteBuf buf, int index, int length, MqttPacketDecoder decoder) {
            int end = index + length;
            int i = index;
            boolean ascii = true;
            while (i < end) {
                int b = buf.getByte(i) & 0xFF;
                if (b == 0) {
                    throw decoder.malformed("string contains U+0000 [MQTT-1.5.4-2]");
                }
                if (b < 0x80) {
                    i++;
                    continue;
                }
                ascii = false;
                int extra;
                int min2 = 0x80; // allowed range of the second byte, tightened to exclude overlongs and surrogates
                int max2 = 0xBF;
                if (b >= 0xC2 && b <= 0xDF) {
                    extra = 1;
                } else if (b >= 0xE0 && b <= 0xEF) {
                    extra = 2;
                    if (b == 0xE0) {
                        min2 = 0xA0;
                    } else if (b == 0xED) {
                        max2 = 0x9F; // ED A0..BF would encode U+D800..U+DFFF
                    }
                } else if (b >= 0xF0 && b <= 0xF4) {
                    extra = 3;
                    if (b == 0xF0) {
                        min2 = 0x90;
                    } else if (b == 0xF4) {
                        max2 = 0x8F;
                    }
                } else {
                    throw decoder.malformed("string is not well-formed UTF-8: byte 0x" + Integer.toHexString(b)
                            + " [MQTT-1.5.4-1]");
                }
                if (end - i <= extra) {
                    throw decoder.malformed("string is not well-formed UTF-8: truncated sequence [MQTT-1.5.4-1]");
                }
                int b2 = buf.getByte(i + 1) & 0xFF;
                if (b2 < min2 || b2 > max2) {
                    throw decoder.malformed(b == 0xED && b2 >= 0xA0
                            ? "string contains a surrogate code point [MQTT-1.5.4-1]"
                            : "string is not well-formed UTF-8 [MQTT-1.5.4-1]");
                }
                for (int k = 2; k <= extra; k++) {
                    int bk = buf.getByte(i + k) & 0xFF;
                    if (bk < 0x80 || bk > 0xBF) {
                        throw decoder.malformed("string is not well-formed UTF-8 [MQTT-1.5.4-1]");
                    }
                }
                i += extra + 1;
            }
            return ascii;
        }
    }
}
