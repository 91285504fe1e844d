package io.starling.security;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuth;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.FailedLoginDelayConfig;
import io.starling.broker.config.SecurityConfig;
import io.starling.broker.spi.Authenticator;
import io.starling.broker.spi.Authorizer;
import io.starling.broker.spi.EnhancedAuthenticator;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A real broker for the network tests: started in-process on 127.0.0.1 and an ephemeral port with the given security
 * back-ends, and helpers to connect the HiveMQ MQTT client (MQTT 5) and Eclipse Paho (MQTT 3.1.1) to it.
 */
public final class SecureBroker {
    private SecureBroker() {
    }

    /** A broker without the failed-login delay, so that refusal tests are not slowed down. */
    public static Broker start(Authenticator authenticator, Authorizer authorizer,
                               List<EnhancedAuthenticator> mechanisms) {
        return start(authenticator, authorizer, mechanisms, FailedLoginDelayConfig.OFF);
    }

    public static Broker start(Authenticator authenticator, Authorizer authorizer,
                               List<EnhancedAuthenticator> mechanisms, FailedLoginDelayConfig delay) {
        BrokerConfig config = BrokerConfig.DEFAULT.withListener("127.0.0.1", 0)
                .withSecurity(SecurityConfig.DEFAULT.withFailedLoginDelay(delay));
        return Broker.start(config, authenticator, authorizer, mechanisms);
    }

    public static Mqtt5BlockingClient v5Client(Broker broker, String clientId) {
        return Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(broker.port())
                .buildBlocking();
    }

    /** Connects with user name and password; returns the CONNACK reason code, SUCCESS when connected. */
    public static Mqtt5ConnAckReasonCode connectV5(Mqtt5BlockingClient client, String user, String password) {
        try {
            if (user == null && password == null) {
                return client.connect().getReasonCode();
            }
            byte[] bytes = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
            Mqtt5SimpleAuth auth = user == null ? Mqtt5SimpleAuth.builder().password(bytes).build()
                    : bytes == null ? Mqtt5SimpleAuth.builder().username(user).build()
                    : Mqtt5SimpleAuth.builder().username(user).password(bytes).build();
            return client.connectWith().simpleAuth(auth).send().getReasonCode();
        } catch (Mqtt5ConnAckException refused) {
            return refused.getMqttMessage().getReasonCode();
        }
    }

    public static MqttClient v3Client(Broker broker, String clientId) throws MqttException {
        return new MqttClient("tcp://127.0.0.1:" + broker.port(), clientId, new MemoryPersistence());
    }

    /** Connects with MQTT 3.1.1; returns the CONNACK return code (0 when connected). */
    public static int connectV3(MqttClient client, String user, String password) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setConnectionTimeout(30);
        if (user != null) {
            options.setUserName(user);
        }
        if (password != null) {
            options.setPassword(password.toCharArray());
        }
        try {
            client.connect(options);
            return 0;
        } catch (MqttException e) {
            return e.getReasonCode();
        }
    }

    public static void closeQuietly(MqttClient client) {
        try {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
            client.close(true);
        } catch (MqttException e) {
            // the test is over
        }
    }
}
