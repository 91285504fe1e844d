package io.starling.interop;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** Eclipse Paho Java v3 client ({@code org.eclipse.paho.client.mqttv3}): MQTT 3.1 and 3.1.1. */
final class PahoV3Driver implements ClientDriver {
    private final String host;
    private final int port;
    private final MqttVersion version;

    PahoV3Driver(String host, int port, MqttVersion version) {
        if (version.isV5()) {
            throw new IllegalArgumentException("Paho Java v3 speaks MQTT 3.1 and 3.1.1 only");
        }
        this.host = host;
        this.port = port;
        this.version = version;
    }

    @Override
    public Connection connect(ConnectSpec spec) {
        String name = "Paho Java v3 " + version.label() + " " + spec.clientId();
        Relay relay = Relay.to(host, port, name);
        MqttAsyncClient client = null;
        try {
            // In-memory persistence: the default file persistence would write into the working directory.
            client = new MqttAsyncClient("tcp://127.0.0.1:" + relay.port(), spec.clientId(), new MemoryPersistence());
            PahoV3Connection connection = new PahoV3Connection(name, client, relay);
            connection.open(spec, options(spec));
            return connection;
        } catch (MqttException | RuntimeException | AssertionError e) {
            relay.cut();
            closeQuietly(client);
            throw new AssertionError(name + " could not connect and subscribe: " + e, e);
        }
    }

    private MqttConnectOptions options(ConnectSpec spec) {
        MqttConnectOptions options = new MqttConnectOptions();
        // An explicit version: by default Paho tries 3.1.1 and silently falls back to 3.1.
        options.setMqttVersion(version == MqttVersion.V3_1 ? MqttConnectOptions.MQTT_VERSION_3_1
                : MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(spec.cleanStart());
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout((int) Timeouts.WAIT.toSeconds());
        if (spec.will() != null) {
            options.setWill(spec.will().topic(), utf8(spec.will().payload()), spec.will().qos(),
                    spec.will().retain());
        }
        return options;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void closeQuietly(MqttAsyncClient client) {
        if (client == null) {
            return;
        }
        try {
            client.disconnectForcibly(0, 0, false);
        } catch (MqttException ignored) {
            // not connected
        }
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // already closed
        }
    }

    private static final class PahoV3Connection extends BaseConnection {
        private final MqttAsyncClient client;
        private final Relay relay;

        PahoV3Connection(String name, MqttAsyncClient client, Relay relay) {
            this.name = name;
            this.client = client;
            this.relay = relay;
            this.inbox = new Inbox(name);
        }

        void open(ConnectSpec spec, MqttConnectOptions options) throws MqttException {
            // The callback is in place before CONNECT: a resumed session may deliver right after CONNACK.
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    // seen by the scenario as missing messages or a failing publish
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    inbox.add(new Message(topic, new String(message.getPayload(), StandardCharsets.UTF_8),
                            message.getQos(), message.isRetained()));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                    // publish() waits on the token itself
                }
            });
            IMqttToken connected = client.connect(options);
            connected.waitForCompletion(Timeouts.WAIT.toMillis());
            sessionPresent = connected.getSessionPresent();
            if (!spec.filters().isEmpty()) {
                String[] filters = spec.filters().toArray(String[]::new);
                int[] qos = new int[filters.length];
                java.util.Arrays.fill(qos, spec.subscriptionQos());
                IMqttToken subscribed = client.subscribe(filters, qos);
                subscribed.waitForCompletion(Timeouts.WAIT.toMillis());
                granted = java.util.Arrays.stream(subscribed.getGrantedQos()).boxed().toList();
            }
        }

        @Override
        public void publish(String topic, String payload, int qos, boolean retain) {
            try {
                client.publish(topic, utf8(payload), qos, retain).waitForCompletion(Timeouts.WAIT.toMillis());
            } catch (MqttException e) {
                throw new AssertionError(name + " could not publish to " + topic + " at QoS " + qos + ": " + e, e);
            }
        }

        @Override
        public void disconnect() {
            try {
                client.disconnect(Timeouts.WAIT.toMillis()).waitForCompletion(Timeouts.WAIT.toMillis());
            } catch (MqttException e) {
                throw new AssertionError(name + " could not disconnect: " + e, e);
            }
        }

        @Override
        public void crash() {
            relay.cut();
        }

        @Override
        public void close() {
            relay.cut();
            closeQuietly(client);
        }
    }
}
