package io.starling.cli;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.auth.Mqtt3SimpleAuth;
import com.hivemq.client.mqtt.mqtt3.message.auth.Mqtt3SimpleAuthBuilder;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3Connect;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3ConnectBuilder;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscribe;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscription;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** A MQTT 3.1.1 connection. Refusals carry no reason codes in this version, only SUBACK's 0x80 and CONNACK's. */
final class Mqtt311Session implements ClientSession {

    /** How long to wait for the TCP connection and then for CONNACK. */
    static final long CONNECT_TIMEOUT_SECONDS = 10;

    private final Mqtt3BlockingClient client;
    private final Mqtt3BlockingClient.Mqtt3Publishes publishes;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Mqtt311Session(Mqtt3BlockingClient client, Mqtt3BlockingClient.Mqtt3Publishes publishes) {
        this.client = client;
        this.publishes = publishes;
    }

    static Mqtt311Session connect(ConnectionOptions options, boolean receiving) {
        Mqtt3ClientBuilder builder = MqttClient.builder()
                .useMqttVersion3()
                .serverHost(options.host)
                .serverPort(options.port)
                .transportConfig()
                .socketConnectTimeout(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .mqttConnectTimeout(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .applyTransportConfig();
        if (options.clientId != null) {
            builder.identifier(options.clientId);
        }
        Mqtt3BlockingClient client = builder.buildBlocking();
        // Registered before CONNECT: a resumed session may deliver messages right after CONNACK.
        Mqtt3BlockingClient.Mqtt3Publishes publishes = receiving ? client.publishes(MqttGlobalPublishFilter.ALL) : null;
        try {
            client.connect(connectPacket(options));
        } catch (RuntimeException e) {
            if (publishes != null) {
                publishes.close();
            }
            throw Errors.connectFailed(options, e);
        }
        return new Mqtt311Session(client, publishes);
    }

    private static Mqtt3Connect connectPacket(ConnectionOptions options) {
        Mqtt3ConnectBuilder connect = Mqtt3Connect.builder()
                .cleanSession(!options.noClean)
                .keepAlive(options.keepAlive);
        if (options.username != null) {
            // MQTT 3.1.1 allows a password only with a user name [MQTT-3.1.2-22]; options validation ensures it.
            Mqtt3SimpleAuthBuilder.Complete auth = Mqtt3SimpleAuth.builder().username(options.username);
            connect.simpleAuth(options.password == null ? auth.build() : auth.password(options.passwordBytes()).build());
        }
        if (options.willTopic != null) {
            connect.willPublish(Mqtt3Publish.builder()
                    .topic(options.willTopic)
                    .payload(Mqtt5Session.willPayload(options))
                    .qos(MqttQos.fromCode(options.willQos))
                    .retain(options.willRetain)
                    .build());
        }
        return connect.build();
    }

    @Override
    public void publish(Messages.Outgoing message) {
        // Blocks until PUBACK (QoS 1) or PUBCOMP (QoS 2); throws if the connection is lost first.
        try {
            client.publish(Mqtt3Publish.builder()
                    .topic(message.topic())
                    .qos(MqttQos.fromCode(message.qos()))
                    .retain(message.retain())
                    .payload(message.payload())
                    .build());
        } catch (RuntimeException e) {
            throw new CliException("publish failed: " + Errors.describe(e), e);
        }
    }

    @Override
    public List<String> subscribe(List<String> filters, int qos) {
        List<Mqtt3Subscription> subscriptions = filters.stream()
                .map(filter -> Mqtt3Subscription.builder().topicFilter(filter).qos(MqttQos.fromCode(qos)).build())
                .toList();
        Mqtt3SubAck subAck;
        try {
            subAck = client.subscribe(Mqtt3Subscribe.builder().addSubscriptions(subscriptions).build());
        } catch (Mqtt3SubAckException allRefused) {
            subAck = allRefused.getMqttMessage();
        }
        List<String> problems = new ArrayList<>();
        List<Mqtt3SubAckReturnCode> codes = subAck.getReturnCodes();
        for (int i = 0; i < codes.size() && i < filters.size(); i++) {
            if (codes.get(i).isError()) {
                problems.add("subscription to '" + filters.get(i) + "' refused: return code 0x80 Failure");
            }
        }
        return problems;
    }

    @Override
    public Optional<Messages.Received> receive(Duration timeout) throws InterruptedException {
        Optional<Mqtt3Publish> publish = timeout == null
                ? Optional.of(publishes.receive())
                : publishes.receive(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        return publish.map(p -> new Messages.Received(p.getTopic().toString(), p.getPayloadAsBytes(),
                p.getQos().getCode(), p.isRetain(), Messages.Properties.NONE));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (publishes != null) {
            publishes.close();
        }
        try {
            client.disconnect();
        } catch (RuntimeException alreadyDisconnected) {
            // The broker closed the connection first; nothing left to tell it.
        }
    }
}
