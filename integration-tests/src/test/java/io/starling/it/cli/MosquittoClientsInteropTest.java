package io.starling.it.cli;

import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.CliProcess;
import io.starling.it.kit.HiveClient;
import io.starling.it.kit.PahoV3Client;
import io.starling.it.kit.PahoV5Client;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Interoperability with the Mosquitto command line clients, MQTT 3.1.1 and 5.0. */
class MosquittoClientsInteropTest extends BrokerTest {

    /** mosquitto_sub with debug output (to see its SUBACK) and a parseable line per message. */
    private CliProcess subscriber(String version, String clientId, String topic, int qos, int count,
                                  String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("-V", version, "-i", clientId, "-t", topic,
                "-q", Integer.toString(qos), "-C", Integer.toString(count), "-d", "-F", "MSG|%t|%q|%r|%p"));
        args.addAll(List.of(extra));
        CliProcess process = mosquittoSub(args.toArray(String[]::new));
        process.awaitLine(line -> line.contains("received SUBACK"));
        return process;
    }

    private static List<String> messages(CliProcess process) {
        return process.lines().stream().filter(line -> line.startsWith("MSG|")).toList();
    }

    @ParameterizedTest(name = "MQTT {0}, QoS {1}")
    @CsvSource({"311,0", "311,1", "311,2", "5,0", "5,1", "5,2"})
    void mosquittoPubReachesMosquittoSub(String version, int qos) {
        CliProcess sub = subscriber(version, "cli-sub", "cli/t", qos, 1);

        CliProcess pub = mosquittoPub("-V", version, "-i", "cli-pub", "-t", "cli/t", "-q", Integer.toString(qos),
                "-m", "hello cli");

        assertThat(pub.awaitExit()).as("mosquitto_pub exit code; output " + pub.lines()).isZero();
        assertThat(sub.awaitExit()).as("mosquitto_sub exits after its one message").isZero();
        assertThat(messages(sub)).containsExactly("MSG|cli/t|" + qos + "|0|hello cli");
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(strings = {"311", "5"})
    void retainedMessageFromMosquittoPubReachesALateMosquittoSub_MQTT_3_3_1_6(String version) {
        CliProcess pub = mosquittoPub("-V", version, "-t", "cli/retained", "-q", "1", "-r", "-m", "kept");
        assertThat(pub.awaitExit()).isZero();

        CliProcess sub = mosquittoSub("-V", version, "-t", "cli/retained", "-q", "1", "-C", "1",
                "-F", "MSG|%t|%q|%r|%p");

        assertThat(sub.awaitExit()).isZero();
        assertThat(messages(sub)).containsExactly("MSG|cli/retained|1|1|kept");
    }

    @Test
    void mosquittoPubV5PropertiesReachHiveMq() {
        HiveClient subscriber = hive("cli-props-sub");
        subscriber.subscribe("cli/props", 1);

        CliProcess pub = mosquittoPub("-V", "5", "-t", "cli/props", "-q", "1", "-m", "with properties",
                "-D", "publish", "user-property", "origin", "mosquitto_pub",
                "-D", "publish", "content-type", "text/plain",
                "-D", "publish", "response-topic", "cli/reply",
                "-D", "publish", "correlation-data", "req-1",
                "-D", "publish", "message-expiry-interval", "60");
        assertThat(pub.awaitExit()).isZero();

        Mqtt5Publish received = (Mqtt5Publish) subscriber.inbox.awaitCount(1).get(0).original();
        assertThat(received.getContentType()).hasValueSatisfying(v -> assertThat(v).hasToString("text/plain"));
        assertThat(received.getResponseTopic()).hasValueSatisfying(v -> assertThat(v).hasToString("cli/reply"));
        assertThat(received.getCorrelationData().map(b -> StandardCharsets.UTF_8.decode(b.duplicate()).toString()))
                .contains("req-1");
        assertThat(received.getMessageExpiryInterval().orElse(-1)).isBetween(1L, 60L);
        assertThat(received.getUserProperties().asList())
                .extracting(p -> p.getName() + "=" + p.getValue()).containsExactly("origin=mosquitto_pub");
    }

    @Test
    void pahoV5PropertiesReachMosquittoSub() {
        CliProcess sub = mosquittoSub("-V", "5", "-t", "cli/paho", "-q", "1", "-C", "1", "-d",
                "-F", "MSG|%t|%C|%R|%P|%p");
        sub.awaitLine(line -> line.contains("received SUBACK"));
        PahoV5Client publisher = pahoV5("cli-paho-pub");
        MqttMessage message = new MqttMessage("from paho".getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        MqttProperties properties = new MqttProperties();
        properties.setContentType("text/plain");
        properties.setResponseTopic("cli/answer");
        properties.setUserProperties(List.of(new UserProperty("origin", "paho")));
        message.setProperties(properties);

        publisher.publish("cli/paho", message);

        assertThat(sub.awaitExit()).isZero();
        assertThat(messages(sub)).containsExactly("MSG|cli/paho|text/plain|cli/answer|origin:paho|from paho");
    }

    @Test
    void mosquittoSubPersistentSessionReceivesWhatWasQueuedWhileItWasAway_MQTT_3_1_2_5() {
        CliProcess first = subscriber("311", "cli-persistent", "cli/queued", 1, 1, "-c");
        first.kill();
        pahoV3("cli-queue-pub").publish("cli/queued", "while away", 1, false);

        CliProcess second = mosquittoSub("-V", "311", "-i", "cli-persistent", "-c", "-t", "cli/queued", "-q", "1",
                "-C", "1", "-F", "MSG|%t|%q|%r|%p");

        assertThat(second.awaitExit()).isZero();
        assertThat(messages(second)).containsExactly("MSG|cli/queued|1|0|while away");
    }

    @Test
    void mosquittoSubReceivesFromPahoV3AtEachQos() {
        CliProcess sub = subscriber("311", "cli-from-paho", "cli/paho3/#", 2, 3);
        PahoV3Client publisher = pahoV3("cli-paho3-pub");

        for (int qos = 0; qos < 3; qos++) {
            publisher.publish("cli/paho3/" + qos, "qos " + qos, qos, false);
        }

        assertThat(sub.awaitExit()).isZero();
        assertThat(messages(sub)).containsExactlyInAnyOrder("MSG|cli/paho3/0|0|0|qos 0", "MSG|cli/paho3/1|1|0|qos 1",
                "MSG|cli/paho3/2|2|0|qos 2");
    }
}
