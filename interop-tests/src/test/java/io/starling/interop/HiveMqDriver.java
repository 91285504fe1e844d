package io.starling.interop;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3Connect;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3ConnectBuilder;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscribe;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscription;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HiveMQ MQTT Client: MQTT 3.1.1 and 5.0 (it has no MQTT 3.1). It is also the scenario's reference peer, the
 * "other side" of every exchange, at 5.0.
 */
final class HiveMqDriver implements ClientDriver {
    private final String host;
    private final int port;
    private final MqttVersion version;

    HiveMqDriver(String host, int port, MqttVersion version) {
        if (version == MqttVersion.V3_1) {
            throw new IllegalArgumentException("the HiveMQ MQTT Client speaks MQTT 3.1.1 and 5.0 only");
        }
        this.host = host;
        this.port = port;
        this.version = version;
    }

    @Override
    public Connection connect(ConnectSpec spec) {
        String name = "HiveMQ client " + version.label() + " " + spec.clientId();
        Relay relay = Relay.to(host, port, name);
        try {
            return version.isV5() ? V5Connection.open(name, spec, relay) : V3Connection.open(name, spec, relay);
        } catch (RuntimeException | AssertionError e) {
            relay.cut();
            throw new AssertionError(name + " could not connect and subscribe: " + e, e);
        }
    }

    /** Waits for a HiveMQ future, bounded; the library completes them from its own threads. */
    static <T> T join(CompletableFuture<T> future, String what) {
        try {
            return future.get(Timeouts.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + what, e);
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": no answer within " + Timeouts.WAIT, e);
        }
    }

    private static Message message(String topic, byte[] payload, int qos, boolean retain) {
        return new Message(topic, new String(payload, StandardCharsets.UTF_8), qos, retain);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static final class V5Connection extends BaseConnection {
        private final Mqtt5AsyncClient client;
        private final Relay relay;

        private V5Connection(String name, Mqtt5AsyncClient client, Relay relay) {
            this.name = name;
            this.client = client;
            this.relay = relay;
            this.inbox = new Inbox(name);
        }

        static V5Connection open(String name, ConnectSpec spec, Relay relay) {
            Mqtt5AsyncClient client = MqttClient.builder().useMqttVersion5()
                    .identifier(spec.clientId())
                    .serverHost("127.0.0.1")
                    .serverPort(relay.port())
                    .buildAsync();
            V5Connection connection = new V5Connection(name, client, relay);
            // Before CONNECT: a resumed session may deliver right after CONNACK.
            client.publishes(MqttGlobalPublishFilter.ALL, publish -> connection.inbox.add(message(
                    publish.getTopic().toString(), publish.getPayloadAsBytes(), publish.getQos().getCode(),
                    publish.isRetain())));
            Mqtt5ConnectBuilder connect = Mqtt5Connect.builder()
                    .cleanStart(spec.cleanStart())
                    .sessionExpiryInterval(spec.sessionExpirySeconds())
                    .keepAlive(30);
            if (spec.will() != null) {
                connect.willPublish(Mqtt5Publish.builder().topic(spec.will().topic())
                        .payload(utf8(spec.will().payload())).qos(qos(spec.will().qos()))
                        .retain(spec.will().retain()).asWill().build());
            }
            Mqtt5ConnAck connAck = join(client.connect(connect.build()), name + " CONNECT");
            connection.sessionPresent = connAck.isSessionPresent();
            if (!spec.filters().isEmpty()) {
                List<Mqtt5Subscription> subscriptions = spec.filters().stream()
                        .map(filter -> Mqtt5Subscription.builder().topicFilter(filter)
                                .qos(qos(spec.subscriptionQos())).build())
                        .toList();
                Mqtt5SubAck subAck = join(client.subscribe(Mqtt5Subscribe.builder().addSubscriptions(subscriptions)
                        .build()), name + " SUBSCRIBE");
                connection.granted = subAck.getReasonCodes().stream().map(Mqtt5SubAckReasonCode::getCode).toList();
            }
            return connection;
        }

        @Override
        public void publish(String topic, String payload, int qos, boolean retain) {
            Mqtt5Publish publish = Mqtt5Publish.builder().topic(topic).payload(utf8(payload)).qos(qos(qos))
                    .retain(retain).build();
            join(client.publish(publish), name + " PUBLISH to " + topic + " at QoS " + qos)
                    .getError().ifPresent(error -> {
                        throw new AssertionError(name + " PUBLISH to " + topic + " failed: " + error, error);
                    });
        }

        @Override
        public void disconnect() {
            join(client.disconnect(), name + " DISCONNECT");
        }

        @Override
        public void crash() {
            relay.cut();
        }

        @Override
        public void close() {
            relay.cut();
        }
    }

    private static final class V3Connection extends BaseConnection {
        private final Mqtt3AsyncClient client;
        private final Relay relay;

        private V3Connection(String name, Mqtt3AsyncClient client, Relay relay) {
            this.name = name;
            this.client = client;
            this.relay = relay;
            this.inbox = new Inbox(name);
        }

        static V3Connection open(String name, ConnectSpec spec, Relay relay) {
            Mqtt3AsyncClient client = MqttClient.builder().useMqttVersion3()
                    .identifier(spec.clientId())
                    .serverHost("127.0.0.1")
                    .serverPort(relay.port())
                    .buildAsync();
            V3Connection connection = new V3Connection(name, client, relay);
            client.publishes(MqttGlobalPublishFilter.ALL, publish -> connection.inbox.add(message(
                    publish.getTopic().toString(), publish.getPayloadAsBytes(), publish.getQos().getCode(),
                    publish.isRetain())));
            Mqtt3ConnectBuilder connect = Mqtt3Connect.builder().cleanSession(spec.cleanStart()).keepAlive(30);
            if (spec.will() != null) {
                connect.willPublish(Mqtt3Publish.builder().topic(spec.will().topic())
                        .payload(utf8(spec.will().payload())).qos(qos(spec.will().qos()))
                        .retain(spec.will().retain()).build());
            }
            Mqtt3ConnAck connAck = join(client.connect(connect.build()), name + " CONNECT");
            connection.sessionPresent = connAck.isSessionPresent();
            if (!spec.filters().isEmpty()) {
                List<Mqtt3Subscription> subscriptions = spec.filters().stream()
                        .map(filter -> Mqtt3Subscription.builder().topicFilter(filter)
                                .qos(qos(spec.subscriptionQos())).build())
                        .toList();
                Mqtt3SubAck subAck = join(client.subscribe(Mqtt3Subscribe.builder().addSubscriptions(subscriptions)
                        .build()), name + " SUBSCRIBE");
                connection.granted = subAck.getReturnCodes().stream().map(Mqtt3SubAckReturnCode::getCode).toList();
            }
            return connection;
        }

        @Override
        public void publish(String topic, String payload, int qos, boolean retain) {
            Mqtt3Publish publish = Mqtt3Publish.builder().topic(topic).payload(utf8(payload)).qos(qos(qos))
                    .retain(retain).build();
            join(client.publish(publish), name + " PUBLISH to " + topic + " at QoS " + qos);
        }

        @Override
        public void disconnect() {
            join(client.disconnect(), name + " DISCONNECT");
        }

        @Override
        public void crash() {
            relay.cut();
        }

        @Override
        public void close() {
            relay.cut();
        }
    }

    private static MqttQos qos(int code) {
        return MqttQos.fromCode(code);
    }
}
