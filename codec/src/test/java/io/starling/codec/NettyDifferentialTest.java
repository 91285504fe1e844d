package io.starling.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribePayload;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubscribePayload;
import io.netty.util.ReferenceCountUtil;
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
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential test: Netty's independent MQTT decoder and ours must read the same fields from the same bytes.
 * Bytes come from our encoder on random valid 3.1.1 and 5.0 packets; Netty's message is translated into our
 * model and compared with our decoder's result.
 */
class NettyDifferentialTest {

    @Provide
    Arbitrary<MqttPacket> v311() {
        return RandomPackets.packets(MqttVersion.MQTT_3_1_1);
    }

    @Provide
    Arbitrary<MqttPacket> v5() {
        return RandomPackets.packets(MqttVersion.MQTT_5);
    }

    @Property(tries = 300)
    void nettyDecodesTheSameFieldsFor311(@ForAll("v311") MqttPacket packet) {
        assertSameAsNetty(packet, MqttVersion.MQTT_3_1_1);
    }

    @Property(tries = 300)
    void nettyDecodesTheSameFieldsFor5(@ForAll("v5") MqttPacket packet) {
        assertSameAsNetty(packet, MqttVersion.MQTT_5);
    }

    private static void assertSameAsNetty(MqttPacket packet, MqttVersion version) {
        ByteBuf encoded = MqttPacketEncoder.encode(Unpooled.buffer().alloc(), packet, version);
        byte[] wire = new byte[encoded.readableBytes()];
        encoded.readBytes(wire);
        encoded.release();

        MqttPacket ours = new MqttPacketDecoder(MqttPacketDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE,
                packet instanceof Connect ? null : version).decode(Unpooled.wrappedBuffer(wire));
        EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(1_000_000, 65_535));
        Object theirs = null;
        try {
            if (!(packet instanceof Connect)) {
                // Netty learns the version of the channel from CONNECT, as a server does.
                channel.writeInbound(MqttPacketEncoder.encode(Unpooled.buffer().alloc(),
                        new Connect(version, "d", true, 0, null, null, null, MqttProperties.EMPTY), version));
                ReferenceCountUtil.release(channel.readInbound());
            }
            channel.writeInbound(Unpooled.wrappedBuffer(wire));
            theirs = channel.readInbound();
            MqttMessage message = (MqttMessage) theirs;
            assertThat(message.decoderResult().isSuccess()).as("Netty decodes %s: %s", packet,
                    message.decoderResult()).isTrue();
            assertThat(ours).isEqualTo(packet);
            assertThat(toStarling(message, version)).as("Netty's reading of %s", packet).isEqualTo(ours);
        } finally {
            ReferenceCountUtil.release(theirs);
            if (ours instanceof Publish publish) {
                publish.release();
            }
            if (packet instanceof Publish publish) {
                publish.release();
            }
            channel.finishAndReleaseAll();
        }
    }

    /** Netty's message in our model: the translation reads every field Netty decoded. */
    private static MqttPacket toStarling(MqttMessage message, MqttVersion version) {
        Object header = message.variableHeader();
        Object payload = message.payload();
        return switch (message.fixedHeader().messageType()) {
            case CONNECT -> {
                MqttConnectMessage connect = (MqttConnectMessage) message;
                var vh = connect.variableHeader();
                var pl = connect.payload();
                Will will = vh.isWillFlag() ? new Will(pl.willTopic(), pl.willMessageInBytes(), QoS.of(vh.willQos()),
                        vh.isWillRetain(), properties(pl.willProperties())) : null;
                yield new Connect(MqttVersion.of(vh.name(), vh.version()), pl.clientIdentifier(), vh.isCleanSession(),
                        vh.keepAliveTimeSeconds(), vh.hasUserName() ? pl.userName() : null,
                        vh.hasPassword() ? pl.passwordInBytes() : null, will, properties(vh.properties()));
            }
            case CONNACK -> {
                MqttConnAckVariableHeader vh = (MqttConnAckVariableHeader) header;
                int code = vh.connectReturnCode().byteValue() & 0xFF;
                yield new ConnAck(vh.isSessionPresent(),
                        version.isV5() ? ReasonCode.of(code) : ReasonCode.fromV3ConnectReturnCode(code),
                        properties(vh.properties()));
            }
            case PUBLISH -> {
                MqttPublishMessage publish = (MqttPublishMessage) message;
                QoS qos = QoS.of(publish.fixedHeader().qosLevel().value());
                // the payload stays owned by Netty's message, released by the caller
                yield new Publish(publish.variableHeader().topicName(), qos, publish.fixedHeader().isRetain(),
                        publish.fixedHeader().isDup(), qos == QoS.AT_MOST_ONCE ? 0 : publish.variableHeader().packetId(),
                        properties(publish.variableHeader().properties()), publish.payload());
            }
            case PUBACK -> new PubAck(messageId(header), replyCode(header), replyProperties(header));
            case PUBREC -> new PubRec(messageId(header), replyCode(header), replyProperties(header));
            case PUBREL -> new PubRel(messageId(header), replyCode(header), replyProperties(header));
            case PUBCOMP -> new PubComp(messageId(header), replyCode(header), replyProperties(header));
            case SUBSCRIBE -> {
                List<TopicSubscription> entries = new ArrayList<>();
                for (var subscription : ((MqttSubscribePayload) payload).topicSubscriptions()) {
                    var option = subscription.option();
                    entries.add(new TopicSubscription(subscription.topicFilter(), new SubscriptionOptions(
                            QoS.of(option.qos().value()), option.isNoLocal(), option.isRetainAsPublished(),
                            RetainHandling.of(option.retainHandling().value()))));
                }
                yield new Subscribe(messageId(header), entries, idProperties(header));
            }
            case SUBACK -> {
                List<ReasonCode> codes = new ArrayList<>();
                for (int code : ((MqttSubAckPayload) payload).reasonCodes()) {
                    codes.add(!version.isV5() && code == 0x80 ? ReasonCode.UNSPECIFIED_ERROR : ReasonCode.of(code));
                }
                yield new SubAck(messageId(header), codes, idProperties(header));
            }
            case UNSUBSCRIBE -> new Unsubscribe(messageId(header), ((MqttUnsubscribePayload) payload).topics(),
                    idProperties(header));
            case UNSUBACK -> {
                List<ReasonCode> codes = new ArrayList<>();
                if (version.isV5() && payload != null) {
                    for (short code : ((MqttUnsubAckPayload) payload).unsubscribeReasonCodes()) {
                        codes.add(ReasonCode.of(code));
                    }
                }
                yield new UnsubAck(messageId(header), codes, idProperties(header));
            }
            case PINGREQ -> PingReq.INSTANCE;
            case PINGRESP -> PingResp.INSTANCE;
            case DISCONNECT -> header instanceof MqttReasonCodeAndPropertiesVariableHeader vh
                    ? new Disconnect(ReasonCode.of(vh.reasonCode() & 0xFF), properties(vh.properties()))
                    : Disconnect.NORMAL;
            case AUTH -> header instanceof MqttReasonCodeAndPropertiesVariableHeader vh
                    ? new Auth(ReasonCode.of(vh.reasonCode() & 0xFF), properties(vh.properties()))
                    : new Auth(ReasonCode.SUCCESS, MqttProperties.EMPTY);
        };
    }

    private static int messageId(Object header) {
        return ((MqttMessageIdVariableHeader) header).messageId();
    }

    private static ReasonCode replyCode(Object header) {
        return header instanceof MqttPubReplyMessageVariableHeader reply
                ? ReasonCode.of(reply.reasonCode() & 0xFF) : ReasonCode.SUCCESS;
    }

    private static MqttProperties replyProperties(Object header) {
        return header instanceof MqttPubReplyMessageVariableHeader reply
                ? properties(reply.properties()) : MqttProperties.EMPTY;
    }

    private static MqttProperties idProperties(Object header) {
        return header instanceof MqttMessageIdAndPropertiesVariableHeader withProperties
                ? properties(withProperties.properties()) : MqttProperties.EMPTY;
    }

    private static MqttProperties properties(io.netty.handler.codec.mqtt.MqttProperties netty) {
        if (netty == null || netty.isEmpty()) {
            return MqttProperties.EMPTY;
        }
        MqttProperties.Builder builder = MqttProperties.builder();
        for (var property : netty.listAll()) {
            PropertyId id = PropertyId.of(property.propertyId());
            Object value = property.value();
            if (value instanceof List<?> pairs) {
                for (Object pair : pairs) {
                    var stringPair = (io.netty.handler.codec.mqtt.MqttProperties.StringPair) pair;
                    builder.addUserProperty(stringPair.key, stringPair.value);
                }
            } else if (value instanceof io.netty.handler.codec.mqtt.MqttProperties.StringPair stringPair) {
                builder.addUserProperty(stringPair.key, stringPair.value);
            } else if (id == PropertyId.SUBSCRIPTION_IDENTIFIER) {
                builder.addSubscriptionIdentifier((Integer) value);
            } else if (value instanceof Integer number) {
                builder.setInt(id, number);
            } else if (value instanceof String text) {
                builder.setString(id, text);
            } else {
                builder.setBinary(id, (byte[]) value);
            }
        }
        return builder.build();
    }
}
