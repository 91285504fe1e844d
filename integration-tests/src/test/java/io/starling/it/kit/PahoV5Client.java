package io.starling.it.kit;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Eclipse Paho's MQTT 5.0 client, used synchronously, with everything it receives collected in inboxes. */
public final class PahoV5Client implements AutoCloseable {
    private static final long WAIT_MILLIS = 5_000;

    public final Inbox<Msg> inbox;
    /** Disconnections reported by Paho: a server DISCONNECT carries its reason code here. */
    public final Inbox<MqttDisconnectResponse> disconnects;
    private final MqttAsyncClient client;
    private IMqttToken connectToken;

    private PahoV5Client(MqttAsyncClient client, String id) {
        this.client = client;
        this.inbox = new Inbox<>("paho-v5 " + id + " messages");
        this.disconnects = new Inbox<>("paho-v5 " + id + " disconnects");
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                disconnects.add(response);
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
                disconnects.add(new MqttDisconnectResponse(exception));
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                inbox.add(new Msg(topic, message.getPayload(), message.getQos(), message.isRetained(),
                        message.isDuplicate(), System.nanoTime(), message));
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
                // publishes are awaited directly
            }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
                // nothing to record
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
                // no enhanced authentication in these tests
            }
        });
    }

    public static MqttConnectionOptions defaultOptions() {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(5);
        options.setKeepAliveInterval(30);
        return options;
    }

    public static PahoV5Client create(BrokerUnderTest broker, String clientId) {
        try {
            return new PahoV5Client(new MqttAsyncClient(broker.uri(), clientId, new MemoryPersistence()), clientId);
        } catch (MqttException e) {
            throw new AssertionError(e);
        }
    }

    public PahoV5Client connect(Consumer<MqttConnectionOptions> customize) throws MqttException {
        MqttConnectionOptions options = defaultOptions();
        customize.accept(options);
        IMqttToken token = client.connect(options);
        token.waitForCompletion(WAIT_MILLIS);
        connectToken = token;
        return this;
    }

    public boolean sessionPresent() {
        return connectToken.getSessionPresent();
    }

    /** The CONNACK's properties. */
    public MqttProperties connAckProperties() {
        return connectToken.getResponseProperties();
    }

    public MqttAsyncClient client() {
        return client;
    }

    /** Subscribes and returns the SUBACK reason codes. */
    public int[] subscribe(MqttSubscription... subscriptions) {
        return subscribe(new MqttProperties(), subscriptions);
    }

    public int[] subscribe(MqttProperties properties, MqttSubscription... subscriptions) {
        try {
            IMqttToken token = client.subscribe(subscriptions, null, null, properties);
            token.waitForCompletion(WAIT_MILLIS);
            return token.getReasonCodes();
        } catch (MqttException e) {
            throw new AssertionError("subscribe failed", e);
        }
    }

    public int[] subscribe(String filter, int qos) {
        return subscribe(new MqttSubscription(filter, qos));
    }

    /** Publishes, waits for the QoS flow to complete and returns the PUBACK / PUBREC reason codes. */
    public int[] publish(String topic, MqttMessage message) {
        try {
            IMqttToken token = client.publish(topic, message);
            token.waitForCompletion(WAIT_MILLIS);
            return token.getReasonCodes();
        } catch (MqttException e) {
            throw new AssertionError("publish to " + topic + " failed", e);
        }
    }

    public int[] publish(String topic, String payload, int qos, boolean retain) {
        MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(qos);
        message.setRetained(retain);
        return publish(topic, message);
    }

    /** A normal DISCONNECT (reason 0x00). */
    public void disconnect() {
        try {
            client.disconnect(2_000).waitForCompletion(WAIT_MILLIS);
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
