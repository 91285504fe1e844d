package io.starling.storage.rocksdb;

import io.starling.broker.storage.DeliveryState;
import io.starling.broker.storage.StoreOperation;
import io.starling.broker.storage.StoredDelivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One change to one column family, already encoded. Operations are turned into mutations on the caller's
 * thread, so that the writer thread only copies bytes into a write batch and a caller may reuse its arrays as
 * soon as {@code write} returns.
 */
record Mutation(ColumnFamily family, Type type, byte[] key, byte[] valueOrEnd) {

    enum Type { PUT, DELETE, DELETE_RANGE }

    static Mutation put(ColumnFamily family, byte[] key, byte[] value) {
        return new Mutation(family, Type.PUT, key, value);
    }

    static Mutation delete(ColumnFamily family, byte[] key) {
        return new Mutation(family, Type.DELETE, key, null);
    }

    static Mutation deleteRange(ColumnFamily family, byte[] from, byte[] toExclusive) {
        return new Mutation(family, Type.DELETE_RANGE, from, toExclusive);
    }

    /** Encodes a batch; throws IllegalArgumentException or NullPointerException for what cannot be stored. */
    static List<Mutation> encode(List<StoreOperation> operations) {
        List<Mutation> mutations = new ArrayList<>(operations.size() * 2);
        for (StoreOperation operation : operations) {
            encode(Objects.requireNonNull(operation, "operation"), mutations);
        }
        return mutations;
    }

    private static void encode(StoreOperation operation, List<Mutation> out) {
        if (operation instanceof StoreOperation.PutSession put) {
            out.add(put(ColumnFamily.SESSIONS, Keys.session(put.session().clientId()),
                    RecordCodec.session(put.session())));
        } else if (operation instanceof StoreOperation.RemoveSession remove) {
            String clientId = remove.clientId();
            out.add(delete(ColumnFamily.SESSIONS, Keys.session(clientId)));
            for (ColumnFamily family : List.of(ColumnFamily.SUBSCRIPTIONS, ColumnFamily.DELIVERIES,
                    ColumnFamily.INBOUND_QOS2)) {
                out.add(deleteRange(family, Keys.clientRangeStart(clientId), Keys.clientRangeEnd(clientId)));
            }
        } else if (operation instanceof StoreOperation.PutSubscription put) {
            out.add(put(ColumnFamily.SUBSCRIPTIONS, Keys.subscription(put.clientId(),
                    put.subscription().topicFilter()), RecordCodec.subscription(put.subscription())));
        } else if (operation instanceof StoreOperation.RemoveSubscription remove) {
            out.add(delete(ColumnFamily.SUBSCRIPTIONS, Keys.subscription(remove.clientId(), remove.topicFilter())));
        } else if (operation instanceof StoreOperation.PutDelivery put) {
            putDelivery(put.clientId(), put.delivery(), out);
        } else if (operation instanceof StoreOperation.UpdateDelivery update) {
            Objects.requireNonNull(update.state(), "state");
            out.add(put(ColumnFamily.DELIVERIES, Keys.delivery(update.clientId(), update.sequence(),
                    Keys.DELIVERY_STATE), RecordCodec.deliveryState(update.packetId(), update.state())));
            if (update.state() == DeliveryState.AWAITING_PUBCOMP) {
                // PUBREC received: only the packet id is needed from now on [MQTT-4.3.3].
                out.add(delete(ColumnFamily.DELIVERIES, Keys.delivery(update.clientId(), update.sequence(),
                        Keys.DELIVERY_MESSAGE)));
            }
        } else if (operation instanceof StoreOperation.RemoveDelivery remove) {
            for (byte part : new byte[] {Keys.DELIVERY_HEAD, Keys.DELIVERY_STATE, Keys.DELIVERY_MESSAGE}) {
                out.add(delete(ColumnFamily.DELIVERIES, Keys.delivery(remove.clientId(), remove.sequence(), part)));
            }
        } else if (operation instanceof StoreOperation.PutInboundQos2 put) {
            out.add(put(ColumnFamily.INBOUND_QOS2, Keys.inboundQos2(put.clientId(), put.packetId()),
                    RecordCodec.inboundQos2()));
        } else if (operation instanceof StoreOperation.RemoveInboundQos2 remove) {
            out.add(delete(ColumnFamily.INBOUND_QOS2, Keys.inboundQos2(remove.clientId(), remove.packetId())));
        } else if (operation instanceof StoreOperation.PutRetained put) {
            out.add(put(ColumnFamily.RETAINED, Keys.retained(put.message().topic()),
                    RecordCodec.message(put.message())));
        } else if (operation instanceof StoreOperation.RemoveRetained remove) {
            out.add(delete(ColumnFamily.RETAINED, Keys.retained(remove.topic())));
        } else {
            throw new IllegalArgumentException("unknown operation " + operation);
        }
    }

    private static void putDelivery(String clientId, StoredDelivery delivery, List<Mutation> out) {
        long sequence = delivery.sequence();
        out.add(put(ColumnFamily.DELIVERIES, Keys.delivery(clientId, sequence, Keys.DELIVERY_HEAD),
                RecordCodec.deliveryHead(delivery.qos(), delivery.retainFlag(), delivery.subscriptionIdentifiers())));
        out.add(put(ColumnFamily.DELIVERIES, Keys.delivery(clientId, sequence, Keys.DELIVERY_STATE),
                RecordCodec.deliveryState(delivery.packetId(), delivery.state())));
        byte[] messageKey = Keys.delivery(clientId, sequence, Keys.DELIVERY_MESSAGE);
        // Replacing a delivery must not leave the old one's message behind.
        out.add(delivery.message() == null ? delete(ColumnFamily.DELIVERIES, messageKey)
                : put(ColumnFamily.DELIVERIES, messageKey, RecordCodec.message(delivery.message())));
    }
}
