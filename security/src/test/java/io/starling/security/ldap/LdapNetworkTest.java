package io.starling.security.ldap;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.starling.broker.Broker;
import io.starling.broker.spi.Authorizer;
import io.starling.security.AuthenticatorChain;
import io.starling.security.SecureBroker;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** LDAP simple bind through the network: a real broker, an in-memory directory, Paho (3.1.1) and HiveMQ (5). */
class LdapNetworkTest {
    private TestDirectory directory;
    private LdapAuthenticator ldap;
    private Broker broker;
    private final List<MqttClient> paho = new ArrayList<>();
    private final List<Mqtt5BlockingClient> hive = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        directory = TestDirectory.start();
        ldap = LdapAuthenticator.start(LdapAuthenticator.Options.bindDn(directory.url(), "uid=%u," + TestDirectory.PEOPLE)
                .withTimeout(Duration.ofSeconds(3)));
        broker = SecureBroker.start(AuthenticatorChain.builder().add(ldap).build(), Authorizer.ALLOW_ALL, List.of());
    }

    @AfterEach
    void stop() {
        paho.forEach(SecureBroker::closeQuietly);
        hive.stream().filter(client -> client.getState().isConnected()).forEach(Mqtt5BlockingClient::disconnect);
        broker.close();
        ldap.close();
        directory.close();
    }

    private MqttClient pahoClient(String id) throws MqttException {
        MqttClient client = SecureBroker.v3Client(broker, id);
        paho.add(client);
        return client;
    }

    private Mqtt5BlockingClient hiveClient(String id) {
        Mqtt5BlockingClient client = SecureBroker.v5Client(broker, id);
        hive.add(client);
        return client;
    }

    @Test
    void directoryUserConnectsWithItsPasswordAndIsRefusedWithAWrongOne_MQTT_3_1_4_2() throws Exception {
        assertThat(SecureBroker.connectV3(pahoClient("ldap-ok"), "alice", "wonderland")).isZero();
        assertThat(SecureBroker.connectV3(pahoClient("ldap-wrong"), "alice", "nope"))
                .isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION);
        assertThat(SecureBroker.connectV3(pahoClient("ldap-unknown"), "mallory", "wonderland"))
                .isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION);
        assertThat(SecureBroker.connectV5(hiveClient("ldap-v5"), "bob", "builder"))
                .isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    }

    @Test
    void emptyPasswordIsRefusedNotTakenForAnAnonymousBind() {
        assertThat(SecureBroker.connectV5(hiveClient("ldap-empty"), "alice", ""))
                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(SecureBroker.connectV5(hiveClient("ldap-user-only"), "alice", null))
                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void directoryDownRefusesWithServerUnavailable() throws Exception {
        directory.stopListening();

        assertThat(SecureBroker.connectV5(hiveClient("ldap-down-v5"), "alice", "wonderland"))
                .isEqualTo(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE);
        assertThat(SecureBroker.connectV3(pahoClient("ldap-down-v3"), "alice", "wonderland"))
                .isEqualTo(MqttException.REASON_CODE_BROKER_UNAVAILABLE);
    }
}
