package io.starling.it.connect;

import io.starling.it.kit.BrokerSettings;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.Packets;
import io.starling.it.kit.ProtocolVersion;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.RawPacket;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Connections that go silent: before CONNECT (connect timeout) and after it (keep alive). */
class KeepAliveAndTimeoutTest extends BrokerTest {
    private static final String MOSQUITTO_KEEP_ALIVE = "2.0.11 checks keep alive only every 5 s, so it closes a"
            + " silent connection up to 5 s after 1.5 times the keep alive; closed after ";

    /**
     * Section 3.1.4 (non-normative): a server that gets no CONNECT within a reasonable time closes the
     * connection. Starling-only: Mosquitto's timeout is not configurable.
     */
    @Test
    void socketThatSendsNoConnectIsClosedAfterTheConnectTimeout_MQTT_3_1_4() {
        startBroker(BrokerSettings.DEFAULTS.connectTimeout(Duration.ofSeconds(1)));
        RawClient silent = raw(ProtocolVersion.V5);
        long opened = System.nanoTime();

        List<RawPacket> received = silent.awaitClosed(Duration.ofSeconds(5));

        Duration open = Duration.ofNanos(System.nanoTime() - opened);
        assertThat(received).as("nothing is sent before CONNECT [MQTT-3.2.0-1]").isEmpty();
        assertThat(open).isBetween(Duration.ofMillis(800), Duration.ofMillis(3_500));
    }

    @Test
    void silentClientIsClosedAfterOneAndAHalfTimesKeepAlive_MQTT_3_1_2_24() {
        RawClient client = raw(ProtocolVersion.V3_1_1);
        client.connectOk(Packets.connect(ProtocolVersion.V3_1_1, "silent311").keepAlive(1));
        long lastPacket = System.nanoTime();

        List<RawPacket> received = client.awaitClosed(Duration.ofSeconds(8));

        Duration silence = Duration.ofNanos(System.nanoTime() - lastPacket);
        assertThat(received).isEmpty();
        mosquittoDiverges(MOSQUITTO_KEEP_ALIVE + silence.toMillis() + " ms");
        assertThat(silence).isBetween(Duration.ofMillis(1_400), Duration.ofMillis(3_500));
    }

    @Test
    void silentV5ClientIsClosedAfterOneAndAHalfTimesKeepAlive_MQTT_3_1_2_22() {
        RawClient client = raw(ProtocolVersion.V5);
        RawPacket.ConnAck connAck = client.connectOk(Packets.connect(ProtocolVersion.V5, "silent5").keepAlive(2));
        long lastPacket = System.nanoTime();

        List<RawPacket> received = client.awaitClosed(Duration.ofSeconds(10));

        Duration silence = Duration.ofNanos(System.nanoTime() - lastPacket);
        assertThat(connAck.properties().number(0x13)).as("no Server Keep Alive override").isNull();
        // The server may say why before closing: DISCONNECT 0x8D Keep Alive timeout, nothing else.
        assertThat(received).allSatisfy(p -> assertThat(p.disconnect().reasonCode()).isEqualTo(0x8D));
        assertThat(received).hasSizeLessThanOrEqualTo(1);
        mosquittoDiverges(MOSQUITTO_KEEP_ALIVE + silence.toMillis() + " ms");
        assertThat(silence).isBetween(Duration.ofMillis(2_900), Duration.ofMillis(5_000));
    }

    @Test
    void pingRequestsKeepTheConnectionAlive_MQTT_3_12_4_1() {
        RawClient client = raw(ProtocolVersion.V3_1_1);
        client.connectOk(Packets.connect(ProtocolVersion.V3_1_1, "pinger").keepAlive(1));

        // Six pings half a second apart: three seconds, twice what a silent client survives.
        for (int i = 0; i < 6; i++) {
            assertThat(client.poll(Duration.ofMillis(500))).as("nothing unsolicited, still open").isEmpty();
            client.send(Packets.pingReq());
            assertThat(client.read().type()).isEqualTo(RawPacket.PINGRESP);
        }

        assertThat(client.awaitClosed(Duration.ofSeconds(8))).as("closed once the pings stop").isEmpty();
    }

    @Test
    void keepAliveZeroIsNeverEnforced_MQTT_3_1_2_24() {
        RawClient client = raw(ProtocolVersion.V3_1_1);
        client.connectOk(Packets.connect(ProtocolVersion.V3_1_1, "no-keepalive").keepAlive(0));

        assertThat(client.poll(Duration.ofMillis(2_500))).as("still open, nothing sent").isEmpty();
        client.send(Packets.pingReq());
        assertThat(client.read().type()).isEqualTo(RawPacket.PINGRESP);
    }

    /** Starling-only: Mosquitto refuses a max_keepalive below 10 s. */
    @Test
    void serverKeepAliveReplacesTheClientsAndIsEnforced_MQTT_3_2_2_21() {
        startBroker(BrokerSettings.DEFAULTS.maximumKeepAlive(Duration.ofSeconds(2)));
        RawClient client = raw(ProtocolVersion.V5);
        RawPacket.ConnAck connAck = client.connectOk(Packets.connect(ProtocolVersion.V5, "capped").keepAlive(60));
        long lastPacket = System.nanoTime();

        List<RawPacket> received = client.awaitClosed(Duration.ofSeconds(8));

        Duration silence = Duration.ofNanos(System.nanoTime() - lastPacket);
        assertThat(connAck.properties().number(0x13)).as("Server Keep Alive").isEqualTo(2L);
        assertThat(received).allSatisfy(p -> assertThat(p.disconnect().reasonCode()).isEqualTo(0x8D));
        assertThat(silence).as("1.5 x the server's 2 s, not the client's 60 s")
                .isBetween(Duration.ofMillis(2_900), Duration.ofMillis(5_000));
    }
}
