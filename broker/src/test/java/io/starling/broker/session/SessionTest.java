package io.starling.broker.session;

import io.starling.broker.persistence.Persistence;
import io.starling.broker.storage.InMemoryStore;
import io.starling.broker.storage.StoreOperation;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.starling.broker.config.QueueOverflowPolicy;
import io.starling.broker.config.SessionConfig;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.routing.ApplicationMessage;
import io.starling.broker.routing.Delivery;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PubRel;
import io.starling.codec.packet.Publish;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session's delivery rules in isolation, on a real single-threaded executor, with a recording connection:
 * in-flight window, queueing and its overflow policies, resend with DUP on reconnect, QoS 2 exactly-once
 * bookkeeping, and that every payload reference is released.
 */
class SessionTest {
    private final List<ByteBuf> payloads = new ArrayList<>();
    private DefaultEventLoop loop;
    private BrokerMetrics metrics;

    @BeforeEach
    void setUp() {
        loop = new DefaultEventLoop();
        metrics = new BrokerMetrics();
    }

    @AfterEach
    void tearDown() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        for (ByteBuf payload : payloads) {
            assertThat(payload.refCnt()).as("payload released exactly once").isZero();
        }
    }

    @Test
    void inflightWindowHonoursClientReceiveMaximum_MQTT_3_3_4_9() throws Exception {
        Session session = newSession(config(100, 1000, QueueOverflowPolicy.DROP_NEW));
        RecordingChannel channel = new RecordingChannel(2);
        onLoop(() -> {
            session.attach(channel);
            for (int i = 0; i < 5; i++) {
                session.post(delivery("m" + i, QoS.AT_LEAST_ONCE));
            }
            return null;
        });
        assertThat(onLoop(() -> channel.publishes())).hasSize(2);
        assertThat(onLoop(session::queuedMessageCount)).isEqualTo(3);

        int firstId = onLoop(() -> channel.publishes().get(0).packetId());
        onLoop(() -> session.onPubAck(firstId));
        assertThat(onLoop(() -> channel.publishes())).hasSize(3);
        assertThat(onLoop(() -> channel.textOf(channel.publishes().get(2)))).isEqualTo("m2");
        onLoop(() -> {
            session.detach();
            registryEnd(session);
            return null;
        });
    }

    @Test
    void unacknowledgedMessagesAreResentWithDupOnReconnect_MQTT_4_4_0_1() throws Exception {
        Session session = newSession(config(100, 1000, QueueOverflowPolicy.DROP_NEW));
        RecordingChannel first = new RecordingChannel(10);
        onLoop(() -> {
            session.attach(first);
            session.post(delivery("one", QoS.AT_LEAST_ONCE));
            session.post(delivery("two", QoS.EXACTLY_ONCE));
            session.detach();
            return null;
        });
        int qos2Id = onLoop(() -> first.publishes().get(1).packetId());
        RecordingChannel second = new RecordingChannel(10);
        onLoop(() -> {
            session.attach(second);
            return null;
        });
        List<Publish> resent = onLoop(second::publishes);
        assertThat(resent).hasSize(2);
        assertThat(resent).allMatch(Publish::dup);
        assertThat(resent.get(0).packetId()).isEqualTo(onLoop(() -> first.publishes().get(0).packetId()));
        assertThat(second.textOf(resent.get(1))).isEqualTo("two");

        // After PUBREC the message itself is gone; a further reconnect resends only PUBREL ([MQTT-4.4.0-1]).
        onLoop(() -> session.onPubRec(qos2Id, ReasonCode.SUCCESS));
        onLoop(() -> {
            session.detach();
            return null;
        });
        RecordingChannel third = new RecordingChannel(10);
        onLoop(() -> {
            session.attach(third);
            return null;
        });
        assertThat(onLoop(() -> third.sent.stream().filter(p -> p instanceof PubRel).count())).isEqualTo(1L);
        onLoop(() -> session.onPubComp(qos2Id));
        assertThat(onLoop(session::inflightCount)).isEqualTo(1);
        onLoop(() -> {
            session.detach();
            registryEnd(session);
            return null;
        });
    }

    @Test
    void reconnectWithASmallerReceiveMaximumResendsOnlyWithinTheWindow_MQTT_4_9_0_2() throws Exception {
        Session session = newSession(config(100, 1000, QueueOverflowPolicy.DROP_NEW));
        RecordingChannel first = new RecordingChannel(10);
        onLoop(() -> {
            session.attach(first);
            for (int i = 0; i < 5; i++) {
                session.post(delivery("m" + i, QoS.AT_LEAST_ONCE));
            }
            session.detach();
            return null;
        });
        RecordingChannel second = new RecordingChannel(2);
        onLoop(() -> {
            session.attach(second);
            return null;
        });
        List<Publish> resent = onLoop(second::publishes);
        assertThat(resent).hasSize(2).allMatch(Publish::dup);
        onLoop(() -> session.onPubAck(resent.get(0).packetId()));
        assertThat(onLoop(() -> second.publishes().stream().map(second::textOf).toList()))
                .containsExactly("m0", "m1", "m2");
        onLoop(() -> {
            session.detach();
            registryEnd(session);
            return null;
        });
    }

    @Test
    void dropNewKeepsTheOldestMessagesAndCountsTheDrop() throws Exception {
        Session session = newSession(config(1, 2, QueueOverflowPolicy.DROP_NEW));
        onLoop(() -> {
            for (int i = 0; i < 4; i++) {
                session.post(delivery("m" + i, QoS.AT_LEAST_ONCE));
            }
            return null;
        });
        assertThat(onLoop(session::queuedMessageCount)).isEqualTo(2);
        assertThat(metrics.messagesDroppedQueueFull()).isEqualTo(2);
        RecordingChannel channel = new RecordingChannel(10);
        onLoop(() -> {
            session.attach(channel);
            return null;
        });
        assertThat(onLoop(() -> channel.publishes().stream().map(channel::textOf).toList())).containsExactly("m0");
        onLoop(() -> {
            session.detach();
            registryEnd(session);
            return null;
        });
    }

    @Test
    void dropOldestKeepsTheNewestMessages() throws Exception {
        Session session = newSession(config(10, 2, QueueOverflowPolicy.DROP_OLDEST));
        onLoop(() -> {
            for (int i = 0; i < 4; i++) {
                session.post(delivery("m" + i, QoS.AT_LEAST_ONCE));
            }
            return null;
        });
        assertThat(metrics.messagesDroppedQueueFull()).isEqualTo(2);
        RecordingChannel channel = new RecordingChannel(10);
        onLoop(() -> {
            session.attach(channel);
            return null;
        });
        assertThat(onLoop(() -> channel.publishes().stream().map(channel::textOf).toList()))
                .containsExactly("m2", "m3");
        onLoop(() -> {
            session.detach();
            registryEnd(session);
            return null;
        });
    }

    @Test
    void aSlowReaderGetsItsMessagesQueuedNotWrittenUntilItsSocketDrains() throws Exception {
        Session session = newSession(config(10, 3, QueueOverflowPolicy.DROP_NEW));
        RecordingChannel channel = new RecordingChannel(10);
        channel.writable = false;
        onLoop(() -> {
            session.attach(channel);
            for (int i = 0; i < 5; i++) {
                session.post(delivery("q" + i, QoS.AT_MOST_ONCE));
            }
            return null;
        });
        assertThat(onLoop(() -> channel.publishes())).as("nothing written to a socket that is not writable").isEmpty();
        assertThat(onLoop(session::queuedMessageCount)).isEqualTo(3);
        assertThat(metrics.messagesDroppedQueueFull()).isEqualTo(2);

        onLoop(() -> {
            channel.writable = true;
            session.onWritable();
            return null;
        });
        assertThat(onLoop(() -> channel.publishes().stream().map(channel::textOf).toList()))
                .containsExactly("q0", "q1", "q2");
        onLoop(() -> {
            session.detach();
            registryEnd(session);
            return null;
        });
    }

    @Test
    void qos0IsNotQueuedForAnOfflineSessionByDefault_MQTT_3_1_2_5() throws Exception {
        Session session = newSession(config(10, 10, QueueOverflowPolicy.DROP_NEW));
        onLoop(() -> {
            session.post(delivery("lost", QoS.AT_MOST_ONCE));
            return null;
        });
        assertThat(onLoop(session::queuedMessageCount)).isZero();
        assertThat(metrics.messagesDroppedQos0Offline()).isEqualTo(1);
        onLoop(() -> {
            registryEnd(session);
            return null;
        });
    }

    @Test
    void inboundQos2RetransmissionIsRecognised_MQTT_4_3_3_10() throws Exception {
        Session session = newSession(config(10, 10, QueueOverflowPolicy.DROP_NEW));
        assertThat(onLoop(() -> session.beginInboundQos2(7))).isTrue();
        assertThat(onLoop(() -> session.beginInboundQos2(7))).isFalse();
        assertThat(onLoop(() -> session.releaseInboundQos2(7))).isTrue();
        assertThat(onLoop(() -> session.beginInboundQos2(7))).isTrue();
        onLoop(() -> {
            registryEnd(session);
            return null;
        });
    }

    @Test
    void packetIdentifiersInUseAreNotReused_MQTT_2_2_1_3() throws Exception {
        Session session = newSession(config(200, 1000, QueueOverflowPolicy.DROP_NEW));
        RecordingChannel channel = new RecordingChannel(65535);
        onLoop(() -> {
            session.attach(channel);
            for (int i = 0; i < 150; i++) {
                session.post(delivery("m" + i, QoS.AT_LEAST_ONCE));
            }
            return null;
        });
        List<Integer> ids = onLoop(() -> channel.publishes().stream().map(Publish::packetId).toList());
        assertThat(ids).hasSize(150).doesNotHaveDuplicates().allMatch(id -> id >= 1 && id <= 65535);
        onLoop(() -> {
            session.detach();
            registryEnd(session);
            return null;
        });
    }

    @Test
    void aLongQueueOfAStoredSessionLivesOnDiskAndComesBackInPagesInOrder() throws Exception {
        InMemoryStore store = new InMemoryStore();
        Persistence persistence = new Persistence(store, metrics);
        SessionConfig config = new SessionConfig(Duration.ofSeconds(SessionConfig.NEVER_EXPIRES), Duration.ZERO, 10,
                1000, 1024 * 1024, QueueOverflowPolicy.DROP_NEW, false, 0, 5);
        Session session = new Session("client", loop, config, metrics,
                (delivery, from) -> delivery.message().releasePayload(), persistence);
        onLoop(() -> {
            session.expiryIntervalSeconds(300);
            return session.store();
        });
        for (int i = 0; i < 50; i++) {
            // As the router does: the delivery is stored before the session gets it.
            Delivery delivery = delivery("m" + i, QoS.AT_LEAST_ONCE).withSequence(persistence.nextSequence());
            store.write(List.of(new StoreOperation.PutDelivery("client",
                    Persistence.queued(delivery, Persistence.stored(delivery.message())))));
            session.post(delivery);
        }
        assertThat(onLoop(session::queuedMessageCount)).isEqualTo(50);
        assertThat(onLoop(session::queuedOnDiskCount)).as("beyond 5 in memory, on disk only").isEqualTo(45);

        RecordingChannel channel = new RecordingChannel(10);
        onLoop(() -> {
            session.attach(channel);
            return null;
        });
        int[] acknowledged = {0};
        await().atMost(Duration.ofSeconds(10)).until(() -> onLoop(() -> {
            List<Publish> sent = channel.publishes(); // the client acknowledges everything it got so far
            for (; acknowledged[0] < sent.size(); acknowledged[0]++) {
                session.onPubAck(sent.get(acknowledged[0]).packetId());
            }
            return channel.publishes().size() == 50 && session.inflightCount() == 0;
        }));
        List<String> texts = onLoop(() -> channel.publishes().stream().map(channel::textOf).toList());
        assertThat(texts).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 50).mapToObj(i -> "m" + i)
                .toList());
        assertThat(store.load().sessions().get("client").deliveries()).as("acknowledged ones removed").isEmpty();
        onLoop(() -> {
            session.detach();
            registryEnd(session);
            return null;
        });
    }

    @Test
    void aPageReadAfterALateDeliverySkipsMessagesInFlight() throws Exception {
        InMemoryStore store = new InMemoryStore();
        Persistence persistence = new Persistence(store, metrics);
        SessionConfig config = new SessionConfig(Duration.ofSeconds(SessionConfig.NEVER_EXPIRES), Duration.ZERO, 10,
                1000, 1024 * 1024, QueueOverflowPolicy.DROP_NEW, false, 0, 4);
        Session session = new Session("client", loop, config, metrics,
                (delivery, from) -> delivery.message().releasePayload(), persistence);
        RecordingChannel channel = new RecordingChannel(10);
        onLoop(() -> {
            session.expiryIntervalSeconds(300);
            session.store();
            session.attach(channel);
            return null;
        });
        List<Delivery> deliveries = new ArrayList<>();
        for (int i = 0; i < 31; i++) {
            Delivery delivery = delivery("m" + i, QoS.AT_LEAST_ONCE).withSequence(persistence.nextSequence());
            store.write(List.of(new StoreOperation.PutDelivery("client",
                    Persistence.queued(delivery, Persistence.stored(delivery.message())))));
            deliveries.add(delivery);
        }
        // m1..m30 arrive first: 10 go out, 4 wait in memory, 16 wait on disk only.
        for (int i = 1; i < 31; i++) {
            session.post(deliveries.get(i));
        }
        assertThat(onLoop(session::queuedOnDiskCount)).isEqualTo(16);
        // The client acknowledges the first 10: the memory part goes out, a first page comes in and goes out.
        await().atMost(Duration.ofSeconds(5)).until(() -> onLoop(() -> {
            List<Publish> sent = channel.publishes();
            for (int i = 0; i < Math.min(10, sent.size()); i++) {
                session.onPubAck(sent.get(i).packetId());
            }
            return channel.publishes().size() >= 20;
        }));
        // A publisher on another loop was slower: m0, with the lowest sequence, arrives now, behind the disk part.
        session.post(deliveries.get(0));
        int[] acknowledged = {10};
        await().atMost(Duration.ofSeconds(10)).until(() -> onLoop(() -> {
            List<Publish> sent = channel.publishes();
            for (; acknowledged[0] < sent.size(); acknowledged[0]++) {
                session.onPubAck(sent.get(acknowledged[0]).packetId());
            }
            return session.queuedMessageCount() == 0 && session.inflightCount() == 0;
        }));
        List<String> texts = onLoop(() -> channel.publishes().stream().map(channel::textOf).toList());
        assertThat(texts).as("every message once, the ones in flight not read back again").hasSize(31)
                .doesNotHaveDuplicates();
        assertThat(store.load().sessions().get("client").deliveries()).isEmpty();
        onLoop(() -> {
            session.detach();
            registryEnd(session);
            return null;
        });
    }

    private void registryEnd(Session session) {
        session.end();
    }

    private Session newSession(SessionConfig config) {
        return new Session("client", loop, config, metrics, (delivery, from) -> delivery.message().releasePayload(),
                new io.starling.broker.persistence.Persistence(null, metrics));
    }

    private static SessionConfig config(int inflight, int queued, QueueOverflowPolicy policy) {
        return new SessionConfig(Duration.ofSeconds(SessionConfig.NEVER_EXPIRES), Duration.ZERO, inflight, queued,
                1024 * 1024, policy, false);
    }

    private Delivery delivery(String text, QoS qos) {
        ByteBuf payload = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        payloads.add(payload);
        ApplicationMessage message = new ApplicationMessage("t", qos, false, MqttProperties.EMPTY, payload, 0, "publisher");
        return new Delivery(message, qos, false, List.of(), null);
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(5, TimeUnit.SECONDS);
    }

    /** Records what the session sends; releases PUBLISH duplicates as the real encoder would. */
    private static final class RecordingChannel implements OutboundChannel {
        final List<MqttPacket> sent = new ArrayList<>();
        int overflowSignals;
        boolean writable = true;
        private final List<String> payloadTexts = new ArrayList<>();
        private final int receiveMaximum;

        RecordingChannel(int receiveMaximum) {
            this.receiveMaximum = receiveMaximum;
        }

        @Override
        public MqttVersion version() {
            return MqttVersion.MQTT_5;
        }

        @Override
        public int receiveMaximum() {
            return receiveMaximum;
        }

        @Override
        public long maximumPacketSize() {
            return Long.MAX_VALUE;
        }

        @Override
        public boolean isWritable() {
            return writable;
        }

        @Override
        public int encodedSize(Publish publish) {
            return io.starling.codec.MqttPacketEncoder.encodedSize(publish, MqttVersion.MQTT_5);
        }

        @Override
        public void queueOverflow() {
            overflowSignals++;
        }

        @Override
        public void send(MqttPacket packet) {
            if (packet instanceof Publish publish) {
                // Keep the fields and a text copy, release the duplicate the way the encoder does after writing.
                String text = publish.payload().toString(StandardCharsets.UTF_8);
                sent.add(new Publish(publish.topic(), publish.qos(), publish.retainFlag(), publish.dup(),
                        publish.packetId(), publish.properties(), Unpooled.EMPTY_BUFFER));
                payloadTexts.add(text);
                publish.release();
            } else {
                sent.add(packet);
            }
        }

        String textOf(Publish publish) {
            int index = 0;
            for (MqttPacket packet : sent) {
                if (packet instanceof Publish) {
                    if (packet == publish) {
                        return payloadTexts.get(index);
                    }
                    index++;
                }
            }
            throw new IllegalArgumentException("not sent here");
        }

        List<Publish> publishes() {
            List<Publish> publishes = new ArrayList<>();
            for (MqttPacket packet : sent) {
                if (packet instanceof Publish publish) {
                    publishes.add(publish);
                }
            }
            return publishes;
        }
    }
}
