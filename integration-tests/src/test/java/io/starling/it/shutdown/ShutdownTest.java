package io.starling.it.shutdown;

import io.starling.it.kit.BrokerSettings;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.BrokerUnderTest;
import io.starling.it.kit.HiveClient;
import io.starling.it.kit.PahoV3Client;
import io.starling.it.kit.PahoV5Client;
import io.starling.it.kit.ProtocolVersion;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.StarlingBroker;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Graceful shutdown: closing the broker tells MQTT 5.0 clients DISCONNECT 0x8B and closes every connection. */
class ShutdownTest extends BrokerTest {

    @Test
    void closingTheBrokerSendsServerShuttingDownToV5ClientsAndClosesEveryConnection_MQTT_3_14_2_1() {
        BrokerUnderTest broker = startBroker(BrokerSettings.DEFAULTS.shutdownGracePeriod(Duration.ofSeconds(2)));
        RawClient raw5 = rawConnected(ProtocolVersion.V5, "raw5");
        RawClient raw311 = rawConnected(ProtocolVersion.V3_1_1, "raw311");
        HiveClient hive = hive("hive5");
        PahoV5Client paho5 = pahoV5("paho5");
        PahoV3Client paho3 = pahoV3("paho3");
        int port = broker.port();
        long stopping = System.nanoTime();

        stopBroker();

        assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("close returns within the grace period")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(raw311.awaitClosed()).as("3.1.1: closed without DISCONNECT").isEmpty();
        paho3.lost.awaitCount(1);
        assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", port), 1_000))
                .as("no longer accepting connections").isInstanceOf(IOException.class);
        assertDisconnectedWith(raw5, 0x8B);
        assertThat(hive.awaitServerDisconnectReason()).isEqualTo(0x8B);
        assertThat(paho5.disconnects.awaitCount(1).get(0).getReturnCode()).isEqualTo(0x8B);
    }

    /** Starling-only: the embedding API itself. */
    @Test
    void closeIsIdempotent() {
        starlingOnly("Broker.close() of the embedding API");
        StarlingBroker broker = (StarlingBroker) broker();
        RawClient idle = rawConnected(ProtocolVersion.V5, "idle");

        broker.broker().close();
        long again = System.nanoTime();
        broker.broker().close();

        assertThat(Duration.ofNanos(System.nanoTime() - again)).as("a second close has nothing to do")
                .isLessThan(Duration.ofSeconds(1));
        assertThat(idle.awaitClosed()).hasSizeLessThanOrEqualTo(1);
    }
}
