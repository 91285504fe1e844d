package io.starling.cli;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.datatypes.MqttUtf8String;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserPropertiesBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** A MQTT 5 connection. */
final class Mqtt5Session implements ClientSession {

    private final Mqtt5BlockingClient client;
    private final Mqtt5BlockingClient.Mqtt5Publishes publishes;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Mqtt5Session(Mqtt5BlockingClient client, Mqtt5BlockingClient.Mqtt5Publishes publishes) {
        this.client = client;
        this.publishes = publishes;
    }

    static Mqtt5Session connect(ConnectionOptions options, long sessionExpiry, boolean receiving) {
        Mqtt5ClientBuilder builder = MqttClient.builder()
                .useMqttVersion5()
                .serverHost(options.host)
                .serverPort(options.port)
                .transportConfig()
                .socketConnectTimeout(Mqtt311Session.CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .mqttConnectTimeout(Mqtt311Session.CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .applyTransportConfig();
        if (options.clientId != null) {
            builder.identifier(options.clientId);
        }
        Mqtt5BlockingClient client = builder.buildBlocking();
        // Registered before CONNECT: a resumed session may deliver messages right after CONNACK.
        Mqtt5BlockingClient.Mqtt5Publishes publishes = receiving ? client.publishes(MqttGlobalPublishFilter.ALL) : null;
        try {
            client.connect(connectPacket(options, sessionExpiry));
        } catch (RuntimeException e) {
            if (publishes != null) {
                publishes.close();
            }
            throw Errors.connectFailed(options, e);
        }
        return new Mqtt5Session(client, publishes);
    }

    private static Mqtt5Connect connectPacket(ConnectionOptions options, long sessionExpiry) {
        Mqtt5ConnectBuilder connect = Mqtt5Connect.builder()
                .cleanStart(!options.noClean)
                .sessionExpiryInterval(sessionExpiry)
                .keepAlive(options.keepAlive);
        if (options.username != null || options.password != null) {
            connect.simpleAuth(simpleAuth(options));
        }
        if (options.willTopic != null) {
            connect.willPublish(Mqtt5Publish.builder()
                    .topic(options.willTopic)
                    .payload(willPayload(options))
                    .qos(MqttQos.fromCode(options.willQos))
                    .retain(options.willRetain)
                    .asWill()
                    .build());
        }
        return connect.build();
    }

    private static Mqtt5SimpleAuth simpleAuth(ConnectionOptions options) {
        if (options.username == null) {
            return Mqtt5SimpleAuth.builder().password(options.passwordBytes()).build();
        }
        Mqtt5SimpleAuthBuilder.Complete auth = Mqtt5SimpleAuth.builder().username(options.username);
        return options.password == null ? auth.build() : auth.password(options.passwordBytes()).build();
    }

    static byte[] willPayload(ConnectionOptions options) {
        return options.willPayload == null ? new byte[0] : options.willPayload.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void publish(Messages.Outgoing message) {
        Mqtt5PublishBuilder.Complete publish = Mqtt5Publish.builder()
                .topic(message.topic())
                .qos(MqttQos.fromCode(message.qos()))
                .retain(message.retain())
                .payload(message.payload());
        Messages.Properties properties = message.properties();
        if (properties.contentType() != null) {
            publish.contentType(properties.contentType());
        }
        if (properties.responseTopic() != null) {
            publish.responseTopic(properties.responseTopic());
        }
        if (properties.correlationData() != null) {
            publish.correlationData(properties.correlationData());
        }
        if (!properties.userProperties().isEmpty()) {
            Mqtt5UserPropertiesBuilder userProperties = Mqtt5UserProperties.builder();
            properties.userProperties().forEach(p -> userProperties.add(p.key(), p.value()));
            publish.userProperties(userProperties.build());
        }
        if (properties.messageExpiryInterval() != null) {
            publish.messageExpiryInterval(properties.messageExpiryInterval());
        }
        if (properties.payloadFormatIndicator() != null) {
            publish.payloadFormatIndicator(properties.payloadFormatIndicator() == 1
                    ? Mqtt5PayloadFormatIndicator.UTF_8 : Mqtt5PayloadFormatIndicator.UNSPECIFIED);
        }
        // QoS 1 and 2: a PUBACK / PUBREC reason code >= 0x80 is a refusal, thrown by the blocking client or left
        // in the result.
        Mqtt5PublishResult result;
        try {
            result = client.publish(publish.build());
        } catch (RuntimeException refusedOrLost) {
            throw new CliException(Errors.describe(refusedOrLost), refusedOrLost);
        }
        Optional<Throwable> error = result.getError();
        if (error.isPresent()) {
            throw new CliException(Errors.describe(error.get()), error.get());
        }
    }

    @Override
    public List<String> subscribe(List<String> filters, int qos) {
        List<Mqtt5Subscription> subscriptions = filters.stream()
                .map(filter -> Mqtt5Subscription.builder().topicFilter(filter).qos(MqttQos.fromCode(qos)).build())
                .toList();
        Mqtt5SubAck subAck;
        try {
            subAck = client.subscribe(Mqtt5Subscribe.builder().addSubscriptions(subscriptions).build());
        } catch (Mqtt5SubAckException allRefused) {
            subAck = allRefused.getMqttMessage();
        }
        List<String> problems = new ArrayList<>();
        List<Mqtt5SubAckReasonCode> codes = subAck.getReasonCodes();
        for (int i = 0; i < codes.size() && i < filters.size(); i++) {
            if (codes.get(i).isError()) {
                problems.add("subscription to '" + filters.get(i) + "' refused: " + Errors.reasonCode(codes.get(i))
                        + subAck.getReasonString().map(text -> " (" + text + ")").orElse(""));
            }
        }
        return problems;
    }

    @Override
    public Optional<Messages.Received> receive(Duration timeout) throws InterruptedException {
        Optional<Mqtt5Publish> publish = timeout == null
                ? Optional.of(publishes.receive())
                : publishes.receive(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        return publish.map(Mqtt5Session::received);
    }

    private static Messages.Received received(Mqtt5Publish publish) {
        List<Messages.UserProperty> userProperties = publish.getUserProperties().asList().stream()
                .map(p -> new Messages.UserProperty(p.getName().toString(), p.getValue().toString()))
                .toList();
        Messages.Properties properties = new Messages.Properties(
                publish.getContentType().map(MqttUtf8String::toString).orElse(null),
                publish.getResponseTopic().map(Object::toString).orElse(null),
                publish.getCorrelationData().map(Mqtt5Session::bytes).orElse(null),
                userProperties,
                publish.getMessageExpiryInterval().isPresent() ? publish.getMessageExpiryInterval().getAsLong() : null,
                publish.getPayloadFormatIndicator().map(Mqtt5PayloadFormatIndicator::getCode).orElse(null));
        return new Messages.Received(publish.getTopic().toString(), publish.getPayloadAsBytes(),
                publish.getQos().getCode(), publish.isRetain(), properties);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
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
