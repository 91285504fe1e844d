package io.starling.codec;

import io.netty.buffer.Unpooled;
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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random valid packets for property-based tests: every field within its legal range, every allowed property
 * possible. Payloads are unpooled heap buffers (released by the tests, harmless to the GC if a try is dropped).
 */
public final class RandomPackets {

    private static final PacketType[] TYPES = PacketType.values();

    private RandomPackets() {
    }

    /** A random valid packet of any type the version has. */
    public static Arbitrary<MqttPacket> packets(MqttVersion version) {
        return Arbitraries.randomValue(random -> packet(random, version));
    }

    /** A version and a random valid packet for it. */
    public static Arbitrary<VersionedPacket> versionedPackets() {
        return Arbitraries.of(MqttVersion.values())
                .flatMap(version -> packets(version).map(packet -> new VersionedPacket(version, packet)));
    }

    public record VersionedPacket(MqttVersion version, MqttPacket packet) {
    }

    public static MqttPacket packet(Random random, MqttVersion version) {
        PacketType type;
        do {
            type = TYPES[random.nextInt(TYPES.length)];
        } while (type == PacketType.AUTH && !version.isV5());
        return packet(random, version, type);
    }

    public static MqttPacket packet(Random random, MqttVersion version, PacketType type) {
        boolean v5 = version.isV5();
        return switch (type) {
            case CONNECT -> connect(random, version);
            case CONNACK -> {
                ReasonCode code = v5 ? reasonCode(random, PacketType.CONNACK)
                        : pick(random, ReasonCode.SUCCESS, ReasonCode.UNSUPPORTED_PROTOCOL_VERSION,
                        ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, ReasonCode.SERVER_UNAVAILABLE,
                        ReasonCode.BAD_USER_NAME_OR_PASSWORD, ReasonCode.NOT_AUTHORIZED);
                boolean sessionPresent = code == ReasonCode.SUCCESS && random.nextBoolean();
                yield new ConnAck(sessionPresent, code, properties(random, version, PacketType.CONNACK, false));
            }
            case PUBLISH -> publish(random, version);
            case PUBACK -> new PubAck(packetId(random), ackCode(random, version, PacketType.PUBACK),
                    properties(random, version, PacketType.PUBACK, false));
            case PUBREC -> new PubRec(packetId(random), ackCode(random, version, PacketType.PUBREC),
                    properties(random, version, PacketType.PUBREC, false));
            case PUBREL -> new PubRel(packetId(random), ackCode(random, version, PacketType.PUBREL),
                    properties(random, version, PacketType.PUBREL, false));
            case PUBCOMP -> new PubComp(packetId(random), ackCode(random, version, PacketType.PUBCOMP),
                    properties(random, version, PacketType.PUBCOMP, false));
            case SUBSCRIBE -> {
                List<TopicSubscription> entries = new ArrayList<>();
                int count = 1 + random.nextInt(4);
                for (int i = 0; i < count; i++) {
                    String filter = filter(random);
                    QoS qos = QoS.of(random.nextInt(3));
                    SubscriptionOptions options = v5
                            ? new SubscriptionOptions(qos, !Topics.isShared(filter) && random.nextBoolean(),
                            random.nextBoolean(), RetainHandling.of(random.nextInt(3)))
                            : SubscriptionOptions.of(qos);
                    entries.add(new TopicSubscription(filter, options));
                }
                yield new Subscribe(packetId(random), entries, properties(random, version, PacketType.SUBSCRIBE, false));
            }
            case SUBACK -> {
                List<ReasonCode> codes = new ArrayList<>();
                int count = 1 + random.nextInt(4);
                for (int i = 0; i < count; i++) {
                    codes.add(v5 ? reasonCode(random, PacketType.SUBACK)
                            : pick(random, ReasonCode.GRANTED_QOS_0, ReasonCode.GRANTED_QOS_1, ReasonCode.GRANTED_QOS_2,
                            ReasonCode.UNSPECIFIED_ERROR));
                }
                yield new SubAck(packetId(random), codes, properties(random, version, PacketType.SUBACK, false));
            }
            case UNSUBSCRIBE -> {
                List<String> filters = new ArrayList<>();
                int count = 1 + random.nextInt(4);
                for (int i = 0; i < count; i++) {
                    filters.add(filter(random));
                }
                yield new Unsubscribe(packetId(random), filters,
                        properties(random, version, PacketType.UNSUBSCRIBE, false));
            }
            case UNSUBACK -> {
                List<ReasonCode> codes = new ArrayList<>();
                if (v5) {
                    int count = 1 + random.nextInt(4);
                    for (int i = 0; i < count; i++) {
                        codes.add(reasonCode(random, PacketType.UNSUBACK));
                    }
                }
                yield new UnsubAck(packetId(random), codes, properties(random, version, PacketType.UNSUBACK, false));
            }
            case PINGREQ -> PingReq.INSTANCE;
            case PINGRESP -> PingResp.INSTANCE;
            case DISCONNECT -> v5 ? new Disconnect(random.nextBoolean() ? ReasonCode.NORMAL_DISCONNECTION
                    : reasonCode(random, PacketType.DISCONNECT), properties(random, version, PacketType.DISCONNECT, false))
                    : Disconnect.NORMAL;
            case AUTH -> {
                MqttProperties properties = properties(random, version, PacketType.AUTH, false);
                if (!properties.isEmpty() && properties.authenticationMethod() == null) {
                    // an AUTH with properties names its method ([MQTT-3.15.2.2.2])
                    properties = properties.toBuilder().authenticationMethod(string(random, 8, "")).build();
                }
                yield new Auth(reasonCode(random, PacketType.AUTH), properties);
            }
        };
    }

    private static Connect connect(Random random, MqttVersion version) {
        boolean v5 = version.isV5();
        Will will = null;
        if (random.nextBoolean()) {
            will = new Will(topicName(random), bytes(random, 20), QoS.of(random.nextInt(3)), random.nextBoolean(),
                    properties(random, version, PacketType.CONNECT, true));
        }
        String username = random.nextBoolean() ? string(random, 10, "") : null;
        byte[] password = (username != null || v5) && random.nextBoolean() ? bytes(random, 10) : null;
        return new Connect(version, string(random, 23, ""), random.nextBoolean(), random.nextInt(65_536), username,
                password, will, properties(random, version, PacketType.CONNECT, false));
    }

    private static Publish publish(Random random, MqttVersion version) {
        QoS qos = QoS.of(random.nextInt(3));
        MqttProperties properties = properties(random, version, PacketType.PUBLISH, false);
        String topic = version.isV5() && properties.topicAlias() != null && random.nextBoolean() ? ""
                : topicName(random);
        int payloadSize = random.nextInt(10) == 0 ? random.nextInt(3_000) : random.nextInt(40);
        return new Publish(topic, qos, random.nextBoolean(), qos != QoS.AT_MOST_ONCE && random.nextBoolean(),
                qos == QoS.AT_MOST_ONCE ? 0 : packetId(random), properties,
                Unpooled.wrappedBuffer(bytes(random, payloadSize, payloadSize)));
    }

    private static ReasonCode ackCode(Random random, MqttVersion version, PacketType type) {
        return version.isV5() && random.nextBoolean() ? reasonCode(random, type) : ReasonCode.SUCCESS;
    }

    /** Any reason code the 5.0 packet type may carry. */
    public static ReasonCode reasonCode(Random random, PacketType type) {
        List<ReasonCode> allowed = new ArrayList<>();
        for (ReasonCode code : ReasonCode.values()) {
            if (AllowedReasonCodes.isAllowed(type, code)) {
                allowed.add(code);
            }
        }
        return allowed.get(random.nextInt(allowed.size()));
    }

    /** Each property allowed in the packet (or Will) present with probability 1/4, with a valid random value. */
    public static MqttProperties properties(Random random, MqttVersion version, PacketType type, boolean will) {
        if (!version.isV5() || random.nextInt(3) == 0) {
            return MqttProperties.EMPTY;
        }
        MqttProperties.Builder builder = MqttProperties.builder();
        for (PropertyId id : PropertyId.values()) {
            if ((will ? !id.inWill() : !id.allowedIn(type)) || random.nextInt(4) != 0) {
                continue;
            }
            switch (id.type()) {
                case BYTE -> builder.setInt(id, random.nextInt(2));
                case TWO_BYTE_INTEGER -> builder.setInt(id, 1 + random.nextInt(65_535));
                case FOUR_BYTE_INTEGER -> {
                    int value = random.nextInt();
                    builder.setInt(id, value == 0 && id == PropertyId.MAXIMUM_PACKET_SIZE ? 1 : value);
                }
                case VARIABLE_BYTE_INTEGER -> {
                    int count = type == PacketType.PUBLISH ? 1 + random.nextInt(3) : 1;
                    for (int i = 0; i < count; i++) {
                        builder.addSubscriptionIdentifier(1 + random.nextInt(268_435_455));
                    }
                }
                case UTF8_STRING -> builder.setString(id, id == PropertyId.RESPONSE_TOPIC ? topicName(random)
                        : string(random, 12, ""));
                case BINARY_DATA -> builder.setBinary(id, bytes(random, 12));
                case UTF8_STRING_PAIR -> {
                    int count = 1 + random.nextInt(3);
                    for (int i = 0; i < count; i++) {
                        builder.addUserProperty(string(random, 8, ""), string(random, 8, ""));
                    }
                }
            }
        }
        if (builder.build().authenticationData() != null) {
            builder.authenticationMethod(string(random, 8, "")); // data needs a method
        }
        return builder.build();
    }

    private static int packetId(Random random) {
        return 1 + random.nextInt(65_535);
    }

    /** A valid topic name: non-empty, no wildcard. */
    public static String topicName(Random random) {
        String name = string(random, 20, "+#");
        return name.isEmpty() ? "t" : name;
    }

    /** A valid topic filter, sometimes shared, sometimes with wildcards. */
    public static String filter(Random random) {
        StringBuilder filter = new StringBuilder();
        if (random.nextInt(6) == 0) {
            filter.append("$share/").append(nonEmpty(string(random, 6, "+#/"))).append('/');
        }
        int levels = 1 + random.nextInt(4);
        for (int i = 0; i < levels; i++) {
            if (i > 0) {
                filter.append('/');
            }
            int kind = random.nextInt(6);
            if (kind == 0) {
                filter.append('+');
            } else if (kind == 1 && i == levels - 1) {
                filter.append('#');
            } else {
                filter.append(string(random, 6, "+#/"));
            }
        }
        String result = filter.toString();
        return result.isEmpty() || result.endsWith("$share/") ? result + "x" : result;
    }

    private static String nonEmpty(String value) {
        return value.isEmpty() ? "g" : value;
    }

    /** A string of valid MQTT UTF-8: no U+0000, no unpaired surrogate; 1 to 4 byte sequences. */
    public static String string(Random random, int maxChars, String excluded) {
        int length = random.nextInt(maxChars + 1);
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            int kind = random.nextInt(10);
            int codePoint;
            if (kind < 6) {
                codePoint = 0x20 + random.nextInt(0x5F); // printable ASCII
            } else if (kind == 6) {
                codePoint = 0x01 + random.nextInt(0x7F); // any ASCII but U+0000
            } else if (kind == 7) {
                codePoint = 0x80 + random.nextInt(0x800 - 0x80);
            } else if (kind == 8) {
                codePoint = 0x800 + random.nextInt(0xD800 - 0x800);
            } else {
                codePoint = 0x10000 + random.nextInt(0x110000 - 0x10000);
            }
            if (excluded.indexOf(codePoint) < 0) {
                text.appendCodePoint(codePoint);
            }
        }
        return text.toString();
    }

    public static byte[] bytes(Random random, int maxLength) {
        return bytes(random, 0, maxLength);
    }

    private static byte[] bytes(Random random, int minLength, int maxLength) {
        byte[] bytes = new byte[minLength + random.nextInt(maxLength - minLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... values) {
        return values[random.nextInt(values.length)];
    }
}
