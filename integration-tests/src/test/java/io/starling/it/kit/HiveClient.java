package io.starling.it.kit;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The HiveMQ MQTT Client (MQTT 5.0). All incoming messages go to one global consumer, so overlapping
 * subscriptions are counted once per PUBLISH the server sent, not once per matching subscription.
 *
 * <p>HiveMQ ends its publish flows when a reconnection does not resume the session (clean start, expired
 * session): a test that reconnects that way uses a new {@code HiveClient} with the same identifier.
 */
public final class HiveClient implements AutoCloseable {
    private static final long WAIT_SECONDS = 5;

    public final Inbox<Msg> inbox;
    public final Inbox<MqttClientDisconnectedContext> disconnects;
    private final Mqtt5AsyncClient client;

    private HiveClient(BrokerUnderTest broker, String clientId, boolean manualAcknowledgement) {
        String name = clientId == null || clientId.isEmpty() ? "(no id)" : clientId;
        this.inbox = new Inbox<>("hivemq " + name + " messages");
        this.disconnects = new Inbox<>("hivemq " + name + " disconnects");
        Mqtt5ClientBuilder builder = MqttClient.builder().useMqttVersion5()
                .serverHost(broker.host())
                .serverPort(broker.port())
                .addDisconnectedListener(disconnects::add);
        if (clientId != null) {
            builder.identifier(clientId);
        }
        this.client = builder.buildAsync();
        client.publishes(MqttGlobalPublishFilter.ALL, publish -> inbox.add(toMsg(publish)), manualAcknowledgement);
    }

    /** A client with the given identifier (null: none, the server assigns one). */
    public static HiveClient create(BrokerUnderTest broker, String clientId) {
        return new HiveClient(broker, clientId, false);
    }

    /** A client that acknowledges QoS 1 and 2 messages only when the test calls {@link #acknowledge(Msg)}. */
    public static HiveClient createWithManualAcks(BrokerUnderTest broker, String clientId) {
        return new HiveClient(broker, clientId, true);
    }

    private static Msg toMsg(Mqtt5Publish publish) {
        return new Msg(publish.getTopic().toString(), publish.getPayloadAsBytes(), publish.getQos().getCode(),
                publish.isRetain(), false, System.nanoTime(), publish);
    }

    public Mqtt5ConnAck connect(UnaryOperator<Mqtt5ConnectBuilder> customize) {
        Mqtt5Connect connect = customize.apply(Mqtt5Connect.builder()).build();
        return join(client.connect(connect));
    }

    public Mqtt5ConnAck connect() {
        return connect(builder -> builder);
    }

    public Mqtt5AsyncClient client() {
        return client;
    }

    public Mqtt5SubAck subscribe(Mqtt5Subscribe subscribe) {
        return join(client.subscribe(subscribe));
    }

    public Mqtt5SubAck subscribe(String filter, int qos) {
        return subscribe(Mqtt5Subscribe.builder().topicFilter(filter).qos(qos(qos)).build());
    }

    public Mqtt5PublishResult publish(Mqtt5Publish publish) {
        return join(client.publish(publish));
    }

    public Mqtt5PublishResult publish(String topic, String payload, int qos, boolean retain) {
        return publish(Mqtt5Publish.builder().topic(topic).qos(qos(qos)).retain(retain)
                .payload(payload.getBytes(StandardCharsets.UTF_8)).build());
    }

    public void acknowledge(Msg message) {
        ((Mqtt5Publish) message.original()).acknowledge();
    }

    public void disconnect() {
        join(client.disconnect());
    }

    public void disconnect(Mqtt5Disconnect disconnect) {
        join(client.disconnect(disconnect));
    }

    public boolean isConnected() {
        return client.getState().isConnected();
    }

    /** The reason code of the server's DISCONNECT, once the client has been disconnected by one. */
    public int awaitServerDisconnectReason() {
        MqttClientDisconnectedContext context = disconnects.await(c -> c.getCause() instanceof Mqtt5DisconnectException);
        return ((Mqtt5DisconnectException) context.getCause()).getMqttMessage().getReasonCode().getCode();
    }

    public static MqttQos qos(int value) {
        return MqttQos.fromCode(value);
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("HiveMQ client operation failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("HiveMQ client operation timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (client.getState().isConnectedOrReconnect()) {
            try {
                client.disconnect().get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // tear-down is best effort
            }
        }
    }
}
