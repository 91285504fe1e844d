package io.starling.interop;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Eclipse Paho Java v5 client ({@code org.eclipse.paho.mqttv5.client}): MQTT 5.0 only. */
final class PahoV5Driver implements ClientDriver {
    private final String host;
    private final int port;

    PahoV5Driver(String host, int port) {
        this.host = host;
        this.port = port;
    }

    @Override
    public Connection connect(ConnectSpec spec) {
        String name = "Paho Java v5 5.0 " + spec.clientId();
        Relay relay = Relay.to(host, port, name);
        MqttAsyncClient client = null;
        try {
            client = new MqttAsyncClient("tcp://127.0.0.1:" + relay.port(), spec.clientId(), new MemoryPersistence());
            PahoV5Connection connection = new PahoV5Connection(name, client, relay);
            connection.open(spec, options(spec));
            return connection;
        } catch (MqttException | RuntimeException | AssertionError e) {
            relay.cut();
            closeQuietly(client);
            throw new AssertionError(name + " could not connect and subscribe: " + e, e);
        }
    }

    private static MqttConnectionOptions options(ConnectSpec spec) {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(spec.cleanStart());
        if (spec.sessionExpirySeconds() > 0) {
            options.setSessionExpiryInterval(spec.sessionExpirySeconds());
        }
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout((int) Timeouts.WAIT.toSeconds());
        if (spec.will() != null) {
            MqttMessage will = new MqttMessage(utf8(spec.will().payload()), spec.will().qos(), spec.will().retain(),
                    new MqttProperties());
            options.setWill(spec.will().topic(), will);
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

    private static final class PahoV5Connection extends BaseConnection {
        private final MqttAsyncClient client;
        private final Relay relay;

        PahoV5Connection(String name, MqttAsyncClient client, Relay relay) {
            this.name = name;
            this.client = client;
            this.relay = relay;
            this.inbox = new Inbox(name);
        }

        void open(ConnectSpec spec, MqttConnectionOptions options) throws MqttException {
            // The callback is in place before CONNECT: a resumed session may deliver right after CONNACK.
            client.setCallback(new MqttCallback() {
                @Override
                public void disconnected(MqttDisconnectResponse response) {
                    // seen by the scenario as missing messages or a failing publish
                }

                @Override
                public void mqttErrorOccurred(MqttException exception) {
                    // idem
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    inbox.add(new Message(topic, new String(message.getPayload(), StandardCharsets.UTF_8),
                            message.getQos(), message.isRetained()));
                }

                @Override
                public void deliveryComplete(IMqttToken token) {
                    // publish() waits on the token itself
                }

                @Override
                public void connectComplete(boolean reconnect, String serverUri) {
                    // connect() waits on the token itself
                }

                @Override
                public void authPacketArrived(int reasonCode, MqttProperties properties) {
                    // no enhanced authentication here
                }
            });
            IMqttToken connected = client.connect(options);
            connected.waitForCompletion(Timeouts.WAIT.toMillis());
            sessionPresent = connected.getSessionPresent();
            if (!spec.filters().isEmpty()) {
                String[] filters = spec.filters().toArray(String[]::new);
                int[] qos = new int[filters.length];
                Arrays.fill(qos, spec.subscriptionQos());
                IMqttToken subscribed = client.subscribe(filters, qos);
                subscribed.waitForCompletion(Timeouts.WAIT.toMillis());
                granted = Arrays.stream(subscribed.getReasonCodes()).boxed().toList();
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
