package io.starling.it.malformed;

import io.starling.it.kit.BrokerSettings;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.Packets;
import io.starling.it.kit.PahoV3Client;
import io.starling.it.kit.Props;
import io.starling.it.kit.ProtocolVersion;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.RawPacket;
import io.starling.it.kit.Wire;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Raw malformed and out-of-order input. MQTT 3.1.1 connections must simply be closed; MQTT 5.0 connections get
 * a DISCONNECT with the reason code the specification gives (0x81 Malformed Packet, 0x82 Protocol Error, 0x90
 * Topic Name invalid, 0x95 Packet too large) before the close ([MQTT-4.13.1-1]). Every test also checks that a
 * client connected meanwhile keeps working once the offender is gone.
 */
class MalformedInputTest extends BrokerTest {
    private static final int MALFORMED = 0x81;
    private static final int PROTOCOL_ERROR = 0x82;

    private PahoV3Client bystander;

    private PahoV3Client bystander() {
        PahoV3Client client = pahoV3("bystander");
        client.subscribe("bystander/t", 1);
        return client;
    }

    private RawClient offender(ProtocolVersion version) {
        bystander = bystander();
        return rawConnected(version, "offender");
    }

    /** The reaction the version calls for, then proof that the broker still serves the bystander. */
    private void assertRefused(RawClient offender, int v5ReasonCode) {
        if (offender.v5()) {
            assertDisconnectedWith(offender, v5ReasonCode);
        } else {
            assertThat(offender.awaitClosed()).as("3.1.1: closed without a word").isEmpty();
        }
        assertBystanderStillWorks();
    }

    private void assertBystanderStillWorks() {
        bystander.publish("bystander/t", "still here", 1, false);
        bystander.inbox.await(m -> m.text().equals("still here"));
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void reservedPacketType0IsMalformed_MQTT_2_1_3_1(ProtocolVersion version) {
        RawClient client = offender(version);

        client.send(new byte[] {0x00, 0x00});

        assertRefused(client, MALFORMED);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void remainingLengthOfFiveBytesIsMalformed_MQTT_1_5_5_1(ProtocolVersion version) {
        RawClient client = offender(version);

        client.send(new byte[] {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F});

        assertRefused(client, MALFORMED);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void reservedFlagBitsOfSubscribeAreMalformed_MQTT_3_8_1_1(ProtocolVersion version) {
        RawClient client = offender(version);
        byte[] subscribe = Packets.subscribe(version, 1, "t", 1);
        subscribe[0] = (byte) 0x80; // must be 0x82

        client.send(subscribe);

        assertRefused(client, MALFORMED);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void reservedFlagBitsOfPubRelAreMalformed_MQTT_3_6_1_1(ProtocolVersion version) {
        RawClient client = offender(version);
        client.send(Packets.publish(version, "offender/t").qos(2, 5).payload("x").build());
        client.read(RawPacket.PUBREC);

        client.send(new byte[] {0x60, 0x02, 0x00, 0x05}); // PUBREL must carry flags 0010

        assertRefused(client, MALFORMED);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void connectWithTheReservedFlagSetIsRefused_MQTT_3_1_2_3(ProtocolVersion version) {
        bystander = bystander();
        RawClient client = raw(version);
        byte[] connect = Packets.connect(version, "reserved-flag").build();
        connect[9] |= 0x01; // connect flags, bit 0 is reserved

        client.send(connect);

        List<RawPacket> beforeClose = client.awaitClosed();
        if (version.isV5() && !beforeClose.isEmpty()) {
            assertThat(beforeClose).hasSize(1);
            assertThat(beforeClose.get(0).connAck(true).reasonCode()).as("CONNACK Malformed Packet")
                    .isEqualTo(MALFORMED);
        } else {
            assertThat(beforeClose).as("no CONNACK [MQTT-3.1.4-1]").isEmpty();
        }
        assertBystanderStillWorks();
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void invalidUtf8InATopicNameIsMalformed_MQTT_1_5_4_1(ProtocolVersion version) {
        RawClient client = offender(version);
        Wire.Out body = Wire.out().binary(new byte[] {'a', (byte) 0xC3, 0x28});
        if (version.isV5()) {
            body.raw(Props.none());
        }

        client.send(Wire.packet(0x30, body.raw(Wire.utf8("payload")).toByteArray()));

        assertRefused(client, MALFORMED);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void encodedSurrogateInATopicFilterIsMalformed_MQTT_1_5_4_1(ProtocolVersion version) {
        RawClient client = offender(version);
        Wire.Out body = Wire.out().u16(1);
        if (version.isV5()) {
            body.raw(Props.none());
        }
        body.binary(new byte[] {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80}).u8(1); // U+D800 in UTF-8 form

        client.send(Wire.packet(0x82, body.toByteArray()));

        assertRefused(client, MALFORMED);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void nullCharacterInATopicNameIsMalformed_MQTT_1_5_4_2(ProtocolVersion version) {
        RawClient client = offender(version);

        client.send(Packets.publish(version, "a\u0000b").payload("x").build());

        assertRefused(client, MALFORMED);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void secondConnectIsAProtocolError_MQTT_3_1_0_2(ProtocolVersion version) {
        RawClient client = offender(version);

        client.send(Packets.connect(version, "offender").build());

        assertRefused(client, PROTOCOL_ERROR);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void publishBeforeConnectClosesTheConnection_MQTT_3_1_0_1(ProtocolVersion version) {
        bystander = bystander();
        RawClient client = raw(version);

        client.send(Packets.publish(version, "bystander/t").qos(1, 1).payload("too early").build());

        assertThat(client.awaitClosed()).as("nothing before CONNECT, not even a CONNACK").isEmpty();
        assertBystanderStillWorks();
        assertThat(bystander.inbox.snapshot()).extracting(m -> m.text()).doesNotContain("too early");
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void packetLargerThanTheMaximumPacketSizeIsRefused_MQTT_3_2_2_15(ProtocolVersion version) {
        startBroker(BrokerSettings.DEFAULTS.maximumPacketSize(256));
        RawClient client = offender(version);

        client.send(Packets.publish(version, "big/t").qos(1, 1).payload(new byte[1_000]).build());

        assertRefused(client, 0x95);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void hugeRemainingLengthIsRefusedBeforeTheBodyArrives_MQTT_3_2_2_15(ProtocolVersion version) {
        startBroker(BrokerSettings.DEFAULTS.maximumPacketSize(1024 * 1024));
        RawClient client = offender(version);
        long sent = System.nanoTime();

        // 268,435,455 bytes announced, none sent: the fixed header alone must be enough to refuse it.
        client.send(new byte[] {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F});

        assertRefused(client, 0x95);
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(3));
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void singleLevelWildcardInATopicNameIsRefused_MQTT_3_3_2_2(ProtocolVersion version) {
        RawClient client = offender(version);

        client.send(Packets.publish(version, "a/+/b").qos(1, 1).payload("x").build());

        assertRefused(client, 0x90);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void multiLevelWildcardInATopicNameIsRefused_MQTT_3_3_2_2(ProtocolVersion version) {
        RawClient client = offender(version);

        client.send(Packets.publish(version, "a/#").payload("x").build());

        assertRefused(client, 0x90);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void publishWithPacketIdentifierZeroIsAProtocolError_MQTT_2_2_1_3(ProtocolVersion version) {
        RawClient client = offender(version);

        client.send(Packets.publish(version, "bystander/t").qos(1, 0).payload("id zero").build());

        assertRefused(client, PROTOCOL_ERROR);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void subscribeWithPacketIdentifierZeroIsAProtocolError_MQTT_2_2_1_3(ProtocolVersion version) {
        RawClient client = offender(version);

        client.send(Packets.subscribe(version, 0, "t", 1));

        assertRefused(client, PROTOCOL_ERROR);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void publishWithQos3IsMalformed_MQTT_3_3_1_4(ProtocolVersion version) {
        RawClient client = offender(version);
        byte[] publish = Packets.publish(version, "bystander/t").qos(2, 1).payload("x").build();
        publish[0] |= 0x06;

        client.send(publish);

        assertRefused(client, MALFORMED);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void subscribeWithoutAnyFilterIsRefused_MQTT_3_8_3_2(ProtocolVersion version) {
        RawClient client = offender(version);
        Wire.Out body = Wire.out().u16(1);
        if (version.isV5()) {
            body.raw(Props.none());
        }

        client.send(Wire.packet(0x82, body.toByteArray()));

        assertRefused(client, PROTOCOL_ERROR);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void subscriptionOptionsWithReservedBitsAreMalformed_MQTT_3_8_3_5(ProtocolVersion version) {
        RawClient client = offender(version);

        client.send(Packets.subscribe(version, 1, "t", 0xC1));

        assertRefused(client, MALFORMED);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"V3_1_1", "V5"})
    void emptyTopicNameWithoutAliasIsRefused_MQTT_4_7_3_1(ProtocolVersion version) {
        RawClient client = offender(version);

        client.send(Packets.publish(version, "").qos(1, 1).payload("x").build());

        assertRefused(client, PROTOCOL_ERROR);
    }

    @Test
    void authPacketFromAClientThatDidNotAuthenticateIsAProtocolError_MQTT_4_12_0_7() {
        RawClient client = offender(ProtocolVersion.V5);

        client.send(new byte[] {(byte) 0xF0, 0x02, 0x19, 0x00});

        assertRefused(client, PROTOCOL_ERROR);
    }

    @Test
    void authPacketTypeIsReservedInMqtt311_MQTT_2_2_1() {
        RawClient client = offender(ProtocolVersion.V3_1_1);

        client.send(new byte[] {(byte) 0xF0, 0x00});

        assertRefused(client, MALFORMED);
    }

    @Test
    void disconnectWithReservedFlagBitsIsMalformed_MQTT_3_14_1_1() {
        RawClient client = offender(ProtocolVersion.V5);

        client.send(new byte[] {(byte) 0xE1, 0x00});

        assertRefused(client, MALFORMED);
    }
}
