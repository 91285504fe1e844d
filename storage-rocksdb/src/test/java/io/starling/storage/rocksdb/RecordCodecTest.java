package io.starling.storage.rocksdb;

import io.starling.broker.storage.DeliveryState;
import io.starling.broker.storage.StoredMessage;
import io.starling.broker.storage.StoredSession;
import io.starling.broker.storage.StoredSubscription;
import io.starling.codec.QoS;
import io.starling.codec.property.MqttProperties;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The value encoding alone: exact round trips, and strict refusal of anything damaged. */
class RecordCodecTest {

    @Test
    void sessionsRoundTripWithAndWithoutWill() throws Exception {
        for (StoredSession session : List.of(Samples.session("a"), Samples.sessionWithWill("b"),
                new StoredSession("c", Long.MIN_VALUE, Long.MAX_VALUE, null, -1, Integer.MIN_VALUE))) {
            assertThat(RecordCodec.session(session.clientId(), RecordCodec.session(session))).isEqualTo(session);
        }
    }

    @Test
    void subscriptionsRoundTripWithEveryOptionCombination() throws Exception {
        for (int variant = 0; variant < 24; variant++) {
            StoredSubscription subscription = Samples.subscription("f/" + variant, variant);
            assertThat(RecordCodec.subscription(subscription.topicFilter(), RecordCodec.subscription(subscription)))
                    .isEqualTo(subscription);
        }
    }

    @Test
    void messagesRoundTripWithEveryPropertyKind() throws Exception {
        Random random = new Random(3);
        for (StoredMessage message : List.of(Samples.message("t", Samples.randomBytes(random, 300)),
                Samples.plainMessage("", new byte[0]),
                new StoredMessage("t", QoS.EXACTLY_ONCE, false, MqttProperties.builder().messageExpiryInterval(0L)
                        .build(), new byte[] {0}, -5, ""))) {
            StoredMessage decoded = RecordCodec.message(RecordCodec.message(message));
            assertThat(decoded).isEqualTo(message);
            assertThat(decoded.properties().userProperties()).isEqualTo(message.properties().userProperties());
        }
    }

    @Test
    void deliveryPartsRoundTrip() throws Exception {
        byte[] head = RecordCodec.deliveryHead(QoS.AT_LEAST_ONCE, true, List.of(5, 1, 268_435_455));
        assertThat(RecordCodec.deliveryHead(head))
                .isEqualTo(new RecordCodec.DeliveryHead(QoS.AT_LEAST_ONCE, true, List.of(5, 1, 268_435_455)));
        for (DeliveryState state : DeliveryState.values()) {
            assertThat(RecordCodec.deliveryState(RecordCodec.deliveryState(65_535, state)))
                    .isEqualTo(new RecordCodec.DeliveryStatus(65_535, state));
        }
    }

    private interface Decoder {
        void decode(byte[] value) throws CorruptRecordException;
    }

    private record Encoded(byte[] value, Decoder decoder) {
    }

    @Test
    void everyTruncationOfAValueIsRefused() throws Exception {
        List<Encoded> values = List.of(
                new Encoded(RecordCodec.session(Samples.sessionWithWill("a")), v -> RecordCodec.session("a", v)),
                new Encoded(RecordCodec.message(Samples.message("t", new byte[] {1, 2, 3})), RecordCodec::message),
                new Encoded(RecordCodec.subscription(Samples.subscription("x", 3)), v -> RecordCodec.subscription("x", v)),
                new Encoded(RecordCodec.deliveryHead(QoS.EXACTLY_ONCE, false, List.of(1)), RecordCodec::deliveryHead),
                new Encoded(RecordCodec.deliveryState(9, DeliveryState.AWAITING_PUBREC), RecordCodec::deliveryState));
        for (Encoded encoded : values) {
            byte[] value = encoded.value();
            encoded.decoder().decode(value);
            for (int length = 0; length < value.length; length++) {
                byte[] truncated = Arrays.copyOf(value, length);
                assertThatThrownBy(() -> encoded.decoder().decode(truncated))
                        .as("value of %d bytes cut to %d", value.length, length)
                        .isInstanceOf(CorruptRecordException.class);
            }
        }
    }

    @Test
    void trailingBytesAndUnknownRecordFormatsAreRefused() {
        byte[] value = RecordCodec.deliveryState(1, DeliveryState.QUEUED);
        byte[] longer = Arrays.copyOf(value, value.length + 1);
        assertThatThrownBy(() -> RecordCodec.deliveryState(longer)).isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("unexpected bytes");

        byte[] future = value.clone();
        future[0] = 2;
        assertThatThrownBy(() -> RecordCodec.deliveryState(future)).isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("record format 2");

        byte[] badState = value.clone();
        badState[badState.length - 1] = 9;
        assertThatThrownBy(() -> RecordCodec.deliveryState(badState)).hasMessageContaining("unknown delivery state");
    }

    @Test
    void invalidUtf8IsRefusedNotReplaced() {
        byte[] value = RecordCodec.message(Samples.plainMessage("ab", new byte[0]));
        // Layout: format, length 2, 'a', 'b', ... ; 0xFF is never valid in UTF-8.
        value[2] = (byte) 0xFF;
        assertThatThrownBy(() -> RecordCodec.message(value)).isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("UTF-8");
    }
}
