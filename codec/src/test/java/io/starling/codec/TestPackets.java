package io.starling.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
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

/** Hand-picked valid packets of every type for every version, plus helpers shared by the codec tests. */
public final class TestPackets {
    /** Non-ASCII text with 2-, 3- and 4-byte UTF-8 sequences (U+00E9, U+20AC, U+1D11E). */
    public static final String UNICODE = "caf\u00e9 \u20ac \uD834\uDD1E";

    private TestPackets() {
    }

    public static ByteBuf bytes(String hex) {
        return ByteBufAllocator.DEFAULT.buffer().writeBytes(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
    }

    public static ByteBuf payload(int size) {
        ByteBuf payload = ByteBufAllocator.DEFAULT.buffer(size);
        for (int i = 0; i < size; i++) {
            payload.writeByte(i * 31 + 7);
        }
        return payload;
    }

    /**
     * Every property allowed in the given packet (or in the Will Properties), each with a valid value that
     * exercises its wire type: unsigned maxima, non-ASCII strings, binary with 0x00 and 0xFF, repeated user
     * properties with duplicate names and empty strings.
     */
    public static MqttProperties allProperties(PacketType type, boolean will) {
        MqttProperties.Builder builder = MqttProperties.builder();
        for (PropertyId id : PropertyId.values()) {
            if (will ? !id.inWill() : !id.allowedIn(type)) {
                continue;
            }
            switch (id.type()) {
                case BYTE -> builder.setInt(id, 1);
                case TWO_BYTE_INTEGER -> builder.setInt(id, 0xFFFF);
                case FOUR_BYTE_INTEGER -> builder.setLong(id, 0xFFFF_FFFFL);
                case VARIABLE_BYTE_INTEGER -> {
                    builder.addSubscriptionIdentifier(268_435_455);
                    if (type == PacketType.PUBLISH) {
                        builder.addSubscriptionIdentifier(1).addSubscriptionIdentifier(16_384);
                    }
                }
                case UTF8_STRING -> builder.setString(id, id == PropertyId.RESPONSE_TOPIC ? "reply/" + UNICODE
                        : id.name().toLowerCase() + " " + UNICODE);
                case BINARY_DATA -> builder.setBinary(id, new byte[] {0, 1, (byte) 0xFF, 0x7F, (byte) 0x80});
                case UTF8_STRING_PAIR -> builder.addUserProperty("k", "v1").addUserProperty("k", "v2")
                        .addUserProperty("", "").addUserProperty(UNICODE, UNICODE);
            }
        }
        return builder.build();
    }

    private static MqttProperties props(MqttVersion version, PacketType type) {
        return version.isV5() ? allProperties(type, false) : MqttProperties.EMPTY;
    }

    private static MqttProperties reasonOnly(MqttVersion version) {
        return version.isV5() ? MqttProperties.builder().reasonString("why").build() : MqttProperties.EMPTY;
    }

    /** Valid packets of every type for the version. The Publishes own fresh payload buffers: release them. */
    public static List<MqttPacket> samples(MqttVersion version) {
        boolean v5 = version.isV5();
        List<MqttPacket> packets = new ArrayList<>();
        MqttProperties willProps = v5 ? allProperties(PacketType.CONNECT, true) : MqttProperties.EMPTY;

        // CONNECT: minimal, everything, will variants, empty client id, password without user name (5.0 only)
        packets.add(new Connect(version, "c", false, 0, null, null, null, MqttProperties.EMPTY));
        packets.add(new Connect(version, "client-" + UNICODE, true, 65_535, "user " + UNICODE,
                new byte[] {0, (byte) 0xFF, 42}, new Will("will/" + UNICODE, new byte[] {1, 2, 3}, QoS.EXACTLY_ONCE,
                true, willProps), props(version, PacketType.CONNECT)));
        packets.add(new Connect(version, "", true, 60, "", new byte[0],
                new Will("w", new byte[0], QoS.AT_LEAST_ONCE, false, MqttProperties.EMPTY), MqttProperties.EMPTY));
        packets.add(new Connect(version, "x", true, 10, "u", null,
                new Will("$SYS/w", new byte[300], QoS.AT_MOST_ONCE, true, MqttProperties.EMPTY), MqttProperties.EMPTY));
        if (v5) {
            packets.add(new Connect(version, "p", false, 1, null, new byte[] {9}, null, MqttProperties.EMPTY));
        }

        // CONNACK
        packets.add(new ConnAck(false, ReasonCode.SUCCESS, MqttProperties.EMPTY));
        packets.add(new ConnAck(true, ReasonCode.SUCCESS, props(version, PacketType.CONNACK)));
        for (ReasonCode code : v5 ? List.of(ReasonCode.NOT_AUTHORIZED, ReasonCode.UNSUPPORTED_PROTOCOL_VERSION,
                ReasonCode.CONNECTION_RATE_EXCEEDED)
                : List.of(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                ReasonCode.SERVER_UNAVAILABLE, ReasonCode.BAD_USER_NAME_OR_PASSWORD, ReasonCode.NOT_AUTHORIZED)) {
            packets.add(new ConnAck(false, code, reasonOnly(version)));
        }

        // PUBLISH: QoS 0/1/2, retain, dup, empty / small / large payload, unicode topic, '$' topic
        packets.add(new Publish("a", QoS.AT_MOST_ONCE, false, false, 0, MqttProperties.EMPTY, payload(0)));
        packets.add(new Publish("sensors/" + UNICODE + "/t", QoS.AT_LEAST_ONCE, true, false, 1,
                props(version, PacketType.PUBLISH), payload(10)));
        packets.add(new Publish("/leading/slash/", QoS.EXACTLY_ONCE, false, true, 65_535, MqttProperties.EMPTY,
                payload(513)));
        packets.add(new Publish("$SYS/x", QoS.AT_LEAST_ONCE, true, true, 7, props(version, PacketType.PUBLISH),
                payload(20_000)));
        if (v5) {
            // empty topic name, allowed with a Topic Alias (section 3.3.2.1)
            packets.add(new Publish("", QoS.AT_MOST_ONCE, false, false, 0,
                    MqttProperties.builder().topicAlias(3).build(), payload(5)));
        }

        // PUBACK / PUBREC / PUBREL / PUBCOMP: short form, reason code only, full
        packets.add(new PubAck(1));
        packets.add(new PubRec(2));
        packets.add(new PubRel(65_535));
        packets.add(new PubComp(300));
        if (v5) {
            packets.add(new PubAck(5, ReasonCode.NO_MATCHING_SUBSCRIBERS, MqttProperties.EMPTY));
            packets.add(new PubAck(6, ReasonCode.SUCCESS, allProperties(PacketType.PUBACK, false)));
            packets.add(new PubAck(6, ReasonCode.PAYLOAD_FORMAT_INVALID, allProperties(PacketType.PUBACK, false)));
            packets.add(new PubRec(7, ReasonCode.QUOTA_EXCEEDED, MqttProperties.EMPTY));
            packets.add(new PubRec(8, ReasonCode.SUCCESS, allProperties(PacketType.PUBREC, false)));
            packets.add(new PubRel(9, ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, MqttProperties.EMPTY));
            packets.add(new PubRel(10, ReasonCode.SUCCESS, allProperties(PacketType.PUBREL, false)));
            packets.add(new PubComp(11, ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, allProperties(PacketType.PUBCOMP, false)));
        }

        // SUBSCRIBE
        packets.add(new Subscribe(1, List.of(new TopicSubscription("a/+/b", SubscriptionOptions.of(QoS.AT_MOST_ONCE))),
                MqttProperties.EMPTY));
        List<TopicSubscription> entries = new ArrayList<>();
        entries.add(new TopicSubscription("#", SubscriptionOptions.of(QoS.EXACTLY_ONCE)));
        entries.add(new TopicSubscription(UNICODE + "/#", SubscriptionOptions.of(QoS.AT_LEAST_ONCE)));
        // Filter validity is the broker's business: an invalid filter decodes and is answered in SUBACK.
        entries.add(new TopicSubscription("a/#/b", SubscriptionOptions.of(QoS.AT_MOST_ONCE)));
        entries.add(new TopicSubscription("", SubscriptionOptions.of(QoS.AT_MOST_ONCE)));
        if (v5) {
            entries.add(new TopicSubscription("x/y", new SubscriptionOptions(QoS.AT_LEAST_ONCE, true, true,
                    RetainHandling.DO_NOT_SEND)));
            entries.add(new TopicSubscription("$share/g/x/#", new SubscriptionOptions(QoS.EXACTLY_ONCE, false, true,
                    RetainHandling.SEND_IF_NEW_SUBSCRIPTION)));
        }
        packets.add(new Subscribe(65_535, entries, props(version, PacketType.SUBSCRIBE)));

        // SUBACK
        packets.add(new SubAck(1, List.of(ReasonCode.GRANTED_QOS_0), MqttProperties.EMPTY));
        packets.add(new SubAck(2, v5
                ? List.of(ReasonCode.GRANTED_QOS_1, ReasonCode.GRANTED_QOS_2, ReasonCode.TOPIC_FILTER_INVALID,
                ReasonCode.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED, ReasonCode.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED)
                : List.of(ReasonCode.GRANTED_QOS_1, ReasonCode.GRANTED_QOS_2, ReasonCode.UNSPECIFIED_ERROR),
                props(version, PacketType.SUBACK)));

        // UNSUBSCRIBE
        packets.add(new Unsubscribe(3, List.of("a/b"), MqttProperties.EMPTY));
        packets.add(new Unsubscribe(4, List.of("a/+", "#", UNICODE, "$share/g/t"), props(version, PacketType.UNSUBSCRIBE)));

        // UNSUBACK
        if (v5) {
            packets.add(new UnsubAck(5, List.of(ReasonCode.SUCCESS), MqttProperties.EMPTY));
            packets.add(new UnsubAck(6, List.of(ReasonCode.NO_SUBSCRIPTION_EXISTED, ReasonCode.TOPIC_FILTER_INVALID),
                    allProperties(PacketType.UNSUBACK, false)));
        } else {
            packets.add(new UnsubAck(5, List.of(), MqttProperties.EMPTY));
        }

        packets.add(PingReq.INSTANCE);
        packets.add(PingResp.INSTANCE);

        // DISCONNECT: empty, reason code only, full
        packets.add(Disconnect.NORMAL);
        if (v5) {
            packets.add(new Disconnect(ReasonCode.DISCONNECT_WITH_WILL_MESSAGE, MqttProperties.EMPTY));
            packets.add(new Disconnect(ReasonCode.SESSION_TAKEN_OVER, allProperties(PacketType.DISCONNECT, false)));
            packets.add(new Disconnect(ReasonCode.NORMAL_DISCONNECTION, allProperties(PacketType.DISCONNECT, false)));
            // AUTH: short form, full
            packets.add(new Auth(ReasonCode.SUCCESS, MqttProperties.EMPTY));
            packets.add(new Auth(ReasonCode.CONTINUE_AUTHENTICATION, allProperties(PacketType.AUTH, false)));
            packets.add(new Auth(ReasonCode.RE_AUTHENTICATE, MqttProperties.builder().authenticationMethod("SCRAM")
                    .build()));
            packets.add(new Auth(ReasonCode.CONTINUE_AUTHENTICATION, MqttProperties.EMPTY));
        }
        return packets;
    }

    public static void releaseAll(List<? extends MqttPacket> packets) {
        for (MqttPacket packet : packets) {
            if (packet instanceof Publish publish && publish.refCnt() > 0) {
                publish.release();
            }
        }
    }

    public static String utf8(ByteBuf buf) {
        return buf.toString(StandardCharsets.UTF_8);
    }
}
