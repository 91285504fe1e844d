package io.starling.security.example;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.starling.broker.Broker;
import io.starling.security.SecureBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Runs the example of docs/security.md: the custom authenticator and authorizer in a real broker. */
class CustomSecurityExampleTest {
    private static final byte[] FACTORY_KEY = "factory key of the example, 32 bytes".getBytes(StandardCharsets.UTF_8);
    private final Broker broker = SecureBroker.start(
            new FactoryKeyAuthenticator(FACTORY_KEY, Duration.ofHours(12), Clock.systemUTC()),
            new DeviceTopicsAuthorizer(), List.of());
    private final Mqtt5BlockingClient device = SecureBroker.v5Client(broker, "d1");

    @AfterEach
    void stop() {
        if (device.getState().isConnected()) {
            device.disconnect();
        }
        broker.close();
    }

    @Test
    void provisionedDeviceConnectsAndStaysInItsOwnTopics() {
        assertThat(SecureBroker.connectV5(device, "any", FactoryKeyAuthenticator.passwordFor(FACTORY_KEY, "d1")))
                .isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

        device.publishWith().topic("devices/d1/temp").qos(MqttQos.AT_LEAST_ONCE).send();
        assertThatThrownBy(() -> device.publishWith().topic("devices/d2/temp").qos(MqttQos.AT_LEAST_ONCE).send())
                .isInstanceOf(Mqtt5PubAckException.class);
    }

    @Test
    void deviceWithAnotherDevicesPasswordIsRefused() {
        assertThat(SecureBroker.connectV5(device, "any", FactoryKeyAuthenticator.passwordFor(FACTORY_KEY, "d2")))
                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }
}
