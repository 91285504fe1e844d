package io.starling.broker.connection;

import io.netty.channel.embedded.EmbeddedChannel;
import io.starling.broker.BrokerContext;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.FailedLoginDelayConfig;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.listener.ListenerAttributes;
import io.starling.broker.listener.PipelineNames;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationResult;
import io.starling.broker.spi.Authenticator;
import io.starling.broker.spi.Authorizer;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.ConnAck;
import io.starling.codec.packet.Connect;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The security paths of {@link ConnectHandler} on an {@link EmbeddedChannel}: what the authenticator is given (the
 * TLS certificate identity instead of the CONNECT user name and password), and refusals held back after repeated
 * failures. Only refusals are exercised, so no session is ever touched.
 */
class ConnectHandlerSecurityTest {
    private final AtomicReference<AuthenticationRequest> asked = new AtomicReference<>();
    private final Authenticator refuseAll = request -> {
        asked.set(request);
        return CompletableFuture.completedFuture(
                AuthenticationResult.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD, "no"));
    };
    private final BrokerMetrics metrics = new BrokerMetrics();

    private EmbeddedChannel channel(FailedLoginDelayConfig delay) {
        BrokerContext context = new BrokerContext(BrokerConfig.DEFAULT, null, null, null, refuseAll,
                Authorizer.ALLOW_ALL, Map.of(), metrics, null, new FailedLoginDelay(delay));
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(PipelineNames.CONNECT_TIMEOUT, new ConnectTimeoutHandler(Duration.ofSeconds(10)));
        channel.pipeline().addLast(PipelineNames.CONNECT_HANDLER, new ConnectHandler(context, ListenerConfig.DEFAULT));
        return channel;
    }

    private static Connect connect(String user, String password) {
        return new Connect(MqttVersion.MQTT_5, "client-1", true, 60, user,
                password == null ? null : password.getBytes(StandardCharsets.UTF_8), null, MqttProperties.EMPTY);
    }

    @Test
    void certificateIdentityReplacesTheUserNameAndThePasswordIsDropped() {
        EmbeddedChannel channel = channel(FailedLoginDelayConfig.OFF);
        channel.attr(ListenerAttributes.CERTIFICATE_IDENTITY).set("device-7");

        channel.writeInbound(connect("mallory", "guess"));
        channel.runPendingTasks();

        AuthenticationRequest request = asked.get();
        assertThat(request.username()).isEqualTo("device-7");
        assertThat(request.certificateIdentity()).isEqualTo("device-7");
        assertThat(request.password()).isNull();
        assertThat(((ConnAck) channel.readOutbound()).reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void withoutCertificateIdentityTheCredentialsOfConnectAreGiven() {
        EmbeddedChannel channel = channel(FailedLoginDelayConfig.OFF);

        channel.writeInbound(connect("alice", "secret"));
        channel.runPendingTasks();

        assertThat(asked.get().username()).isEqualTo("alice");
        assertThat(asked.get().password()).isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
        assertThat(asked.get().certificateIdentity()).isNull();
    }

    @Test
    void repeatedFailureIsRefusedOnlyAfterTheDelayAndOutlivesTheConnectTimeout_MQTT_3_2_2_7() {
        FailedLoginDelayConfig delay = new FailedLoginDelayConfig(Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofMinutes(10), 10);
        BrokerContext shared = new BrokerContext(BrokerConfig.DEFAULT, null, null, null, refuseAll,
                Authorizer.ALLOW_ALL, Map.of(), metrics, null, new FailedLoginDelay(delay));
        EmbeddedChannel first = withHandler(shared);
        first.writeInbound(connect("alice", "one"));
        first.runPendingTasks();
        assertThat(((ConnAck) first.readOutbound()).reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);

        EmbeddedChannel second = withHandler(shared);
        second.writeInbound(connect("alice", "two"));
        second.runPendingTasks();
        assertThat((Object) second.readOutbound()).as("held back").isNull();
        assertThat(second.pipeline().get(PipelineNames.CONNECT_TIMEOUT)).as("the delay closes it, not the timeout")
                .isNull();

        second.advanceTimeBy(29, TimeUnit.SECONDS);
        second.runScheduledPendingTasks();
        assertThat((Object) second.readOutbound()).isNull();
        assertThat(second.isActive()).isTrue();

        second.advanceTimeBy(1, TimeUnit.SECONDS);
        second.runScheduledPendingTasks();
        assertThat(((ConnAck) second.readOutbound()).reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        second.runPendingTasks();
        assertThat(second.isActive()).isFalse();
        assertThat(metrics.authenticationFailures()).isEqualTo(2);
        assertThat(metrics.refusalsDelayed()).isEqualTo(1);
    }

    private static EmbeddedChannel withHandler(BrokerContext context) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(PipelineNames.CONNECT_TIMEOUT, new ConnectTimeoutHandler(Duration.ofSeconds(10)));
        channel.pipeline().addLast(PipelineNames.CONNECT_HANDLER, new ConnectHandler(context, ListenerConfig.DEFAULT));
        return channel;
    }
}
