package io.starling.it.kit;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Eclipse Paho's MQTT 3.1 / 3.1.1 client with everything it receives collected in inboxes. */
public final class PahoV3Client implements AutoCloseable {
    public final Inbox<Msg> inbox;
    /** Causes passed to connectionLost: the server closed the connection. */
    public final Inbox<Throwable> lost;
    private final MqttClient client;
    private IMqttToken connectToken;

    private PahoV3Client(MqttClient client, String id) {
        this.client = client;
        this.inbox = new Inbox<>("paho-v3 " + id + " messages");
        this.lost = new Inbox<>("paho-v3 " + id + " connection losses");
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost.add(cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                inbox.add(new Msg(topic, message.getPayload(), message.getQos(), message.isRetained(),
                        message.isDuplicate(), System.nanoTime(), message));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // publishes are synchronous here
            }
        });
    }

    /** Options for a plain 3.1.1 client: clean session, no reconnect, short timeouts. */
    public static MqttConnectOptions defaultOptions() {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(5);
        options.setKeepAliveInterval(30);
        return options;
    }

    /** Creates the client without connecting it. */
    public static PahoV3Client create(BrokerUnderTest broker, String clientId) {
        try {
            return new PahoV3Client(new MqttClient(broker.uri(), clientId, new MemoryPersistence()), clientId);
        } catch (MqttException e) {
            throw new AssertionError(e);
        }
    }

    /** Connects; throws the MqttException (its reason code is the CONNACK return code) when refused. */
    public PahoV3Client connect(Consumer<MqttConnectOptions> customize) throws MqttException {
        MqttConnectOptions options = defaultOptions();
        customize.accept(options);
        connectToken = client.connectWithResult(options);
        return this;
    }

    public boolean sessionPresent() {
        return connectToken.getSessionPresent();
    }

    public MqttClient client() {
        return client;
    }

    /** Subscribes and returns the granted QoS (0x80 for failure). */
    public int subscribe(String filter, int qos) {
        try {
            IMqttToken token = client.subscribeWithResponse(filter, qos);
            return token.getGrantedQos()[0];
        } catch (MqttException e) {
            throw new AssertionError("subscribe " + filter + " failed", e);
        }
    }

    /** Publishes and waits until the QoS flow is complete. */
    public void publish(String topic, String payload, int qos, boolean retain) {
        publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retain);
    }

    public void publish(String topic, byte[] payload, int qos, boolean retain) {
        try {
            client.publish(topic, payload, qos, retain);
        } catch (MqttException e) {
            throw new AssertionError("publish to " + topic + " failed", e);
        }
    }

    /** A normal DISCONNECT. */
    public void disconnect() {
        try {
            client.disconnect(2_000);
        } catch (MqttException e) {
            throw new AssertionError("disconnect failed", e);
        }
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1_000, false);
            }
        } catch (MqttException ignored) {
            // tear-down is best effort
        }
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // tear-down is best effort
        }
    }
}
