package io.starling.broker.connection;

import io.netty.channel.embedded.EmbeddedChannel;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Disconnect;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CredentialExpiryHandlerTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final ConnAck SUCCESS = new ConnAck(false, ReasonCode.SUCCESS, MqttProperties.EMPTY);

    private static EmbeddedChannel channel(Instant expiresAt, MqttVersion version) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(CredentialExpiryHandler.NAME, new CredentialExpiryHandler(expiresAt, "c1", "alice",
                version, Long.MAX_VALUE, CLOCK));
        return channel;
    }

    @Test
    void mqtt5ClientGetsDisconnect0x87WhenItsCredentialsExpire_MQTT_3_14_0_1() {
        EmbeddedChannel channel = channel(NOW.plusSeconds(2), MqttVersion.MQTT_5);
        channel.writeOutbound(SUCCESS);
        assertThat((Object) channel.readOutbound()).isEqualTo(SUCCESS);

        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat((Object) channel.readOutbound()).as("not yet").isNull();
        assertThat(channel.isActive()).isTrue();

        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        Disconnect disconnect = channel.readOutbound();
        assertThat(disconnect.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        assertThat(disconnect.properties().reasonString()).isEqualTo("credentials expired");
        channel.runPendingTasks();
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void expiryBeforeTheConnAckWaitsForIt_MQTT_3_14_0_1() {
        EmbeddedChannel channel = channel(NOW.minusSeconds(1), MqttVersion.MQTT_5);
        channel.runScheduledPendingTasks();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isActive()).as("no DISCONNECT before CONNACK, and no silent close either").isTrue();

        channel.writeOutbound(SUCCESS);
        channel.runPendingTasks();

        assertThat((Object) channel.readOutbound()).isEqualTo(SUCCESS);
        assertThat(((Disconnect) channel.readOutbound()).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void mqtt311ClientIsClosedOnWithoutDisconnect() {
        EmbeddedChannel channel = channel(NOW.plusSeconds(1), MqttVersion.MQTT_3_1_1);
        channel.writeOutbound(new ConnAck(false, ReasonCode.SUCCESS, MqttProperties.EMPTY));
        channel.readOutbound();

        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void removingTheHandlerCancelsTheTimer() {
        EmbeddedChannel channel = channel(NOW.plusSeconds(1), MqttVersion.MQTT_5);
        channel.writeOutbound(SUCCESS);
        channel.readOutbound();
        channel.pipeline().remove(CredentialExpiryHandler.NAME);

        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isActive()).isTrue();
        channel.finishAndReleaseAll();
    }
}
