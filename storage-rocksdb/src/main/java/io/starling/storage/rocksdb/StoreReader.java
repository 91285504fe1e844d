package io.starling.storage.rocksdb;

import io.starling.broker.storage.StoreContents;
import io.starling.broker.storage.StoreException;
import io.starling.broker.storage.StoredDelivery;
import io.starling.broker.storage.StoredMessage;
import io.starling.broker.storage.StoredSession;
import io.starling.broker.storage.StoredSubscription;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a whole store, decoding every value. In strict mode (start of the broker) the first damaged record
 * throws; otherwise (the offline check) every problem is collected and reading goes on.
 *
 * <p>Records that belong to no session (written for a client without a {@code PutSession}, or a state change of a
 * delivery already removed) are left out of the contents, as the in-memory store leaves them out, and counted
 * as orphans.
 */
final class StoreReader {

    /** At most this many problems are listed one by one; the rest are counted. */
    static final int MAX_LISTED_PROBLEMS = 50;

    private final Engine engine;
    private final boolean strict;
    private final Map<String, Builder> sessions = new LinkedHashMap<>();
    private final List<StoredMessage> retained = new ArrayList<>();
    private final Map<ColumnFamily, Long> counts = new LinkedHashMap<>();
    private final Map<ColumnFamily, Long> orphans = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private long unlistedProblems;

    // The last client identifier decoded from a key, to avoid decoding the same prefix again for every record.
    private byte[] lastClientKey = new byte[0];
    private int lastClientLength = -1;
    private String lastClientId;

    record Result(StoreContents contents, Map<ColumnFamily, Long> counts, Map<ColumnFamily, Long> orphans,
                  List<String> problems) {
    }

    /** Deliveries kept in memory per session; the others are only counted (they stay on disk). */
    private final int deliveriesPerSession;
    private long highestSequence;

    private StoreReader(Engine engine, boolean strict, int deliveriesPerSession) {
        this.engine = engine;
        this.strict = strict;
        this.deliveriesPerSession = deliveriesPerSession;
    }

    static Result read(Engine engine, boolean strict) {
        return read(engine, strict, Integer.MAX_VALUE);
    }

    static Result read(Engine engine, boolean strict, int deliveriesPerSession) {
        return new StoreReader(engine, strict, deliveriesPerSession).readAll();
    }

    private Result readAll() {
        for (ColumnFamily family : ColumnFamily.values()) {
            counts.put(family, 0L);
        }
        scan(ColumnFamily.SESSIONS, this::session);
        scan(ColumnFamily.SUBSCRIPTIONS, this::subscription);
        DeliveryGrouper deliveries = new DeliveryGrouper();
        scan(ColumnFamily.DELIVERIES, deliveries::accept);
        deliveries.finish();
        scan(ColumnFamily.INBOUND_QOS2, this::inboundQos2);
        scan(ColumnFamily.RETAINED, this::retained);
        scan(ColumnFamily.META, (key, value) -> { });
        Map<String, StoreContents.RestoredSession> restored = new LinkedHashMap<>();
        sessions.forEach((clientId, builder) -> restored.put(clientId, builder.build()));
        if (unlistedProblems > 0) {
            problems.add("... and " + unlistedProblems + " more problems");
        }
        return new Result(new StoreContents(Collections.unmodifiableMap(restored), List.copyOf(retained),
                highestSequence),
                Collections.unmodifiableMap(counts), Collections.unmodifiableMap(orphans), List.copyOf(problems));
    }

    /**
     * Up to {@code limit} complete deliveries of one client with a sequence above {@code afterSequence}, in order:
     * a page of a queue that lives on disk. A damaged record fails the read with a {@link StoreException}.
     */
    static List<StoredDelivery> readDeliveries(Engine engine, String clientId, long afterSequence, int limit) {
        List<StoredDelivery> page = new ArrayList<>(Math.min(limit, 1024));
        if (afterSequence == Long.MAX_VALUE || limit <= 0) {
            return page;
        }
        byte[] end = Keys.clientRangeEnd(clientId);
        try (ReadOptions options = new ReadOptions().setVerifyChecksums(true);
             RocksIterator iterator = engine.db().newIterator(engine.handle(ColumnFamily.DELIVERIES), options)) {
            long sequence = Long.MIN_VALUE;
            RecordCodec.DeliveryHead head = null;
            RecordCodec.DeliveryStatus status = null;
            StoredMessage message = null;
            for (iterator.seek(Keys.delivery(clientId, afterSequence + 1, Keys.DELIVERY_HEAD));
                 iterator.isValid() && Arrays.compareUnsigned(iterator.key(), end) < 0; iterator.next()) {
                byte[] key = iterator.key();
                long keySequence = Keys.deliverySequenceOf(key);
                if (keySequence != sequence) {
                    addComplete(page, sequence, head, status, message);
                    if (page.size() >= limit) {
                        return page;
                    }
                    sequence = keySequence;
                    head = null;
                    status = null;
                    message = null;
                }
                switch (Keys.deliveryPartOf(key)) {
                    case Keys.DELIVERY_HEAD -> head = RecordCodec.deliveryHead(iterator.value());
                    case Keys.DELIVERY_STATE -> status = RecordCodec.deliveryState(iterator.value());
                    case Keys.DELIVERY_MESSAGE -> message = RecordCodec.message(iterator.value());
                    default -> throw new CorruptRecordException("unknown delivery part " + Keys.deliveryPartOf(key));
                }
            }
            iterator.status();
            addComplete(page, sequence, head, status, message);
            return page;
        } catch (RocksDBException | CorruptRecordException e) {
            throw new StoreException("Reading the queue of client '" + clientId + "' from " + engine.directory()
                    + " failed: " + (e instanceof RocksDBException r ? DataDirectory.describe(r) : e.getMessage()), e);
        }
    }

    /** Adds a delivery read in parts when its head and state are there (a lone state belongs to a removed one). */
    private static void addComplete(List<StoredDelivery> page, long sequence, RecordCodec.DeliveryHead head,
                                    RecordCodec.DeliveryStatus status, StoredMessage message) {
        if (head != null && status != null) {
            page.add(new StoredDelivery(sequence, message, head.qos(), head.retainFlag(),
                    head.subscriptionIdentifiers(), status.packetId(), status.state()));
        }
    }

    private interface RecordHandler {
        void accept(byte[] key, byte[] value) throws CorruptRecordException;
    }

    private void scan(ColumnFamily family, RecordHandler handler) {
        try (ReadOptions options = new ReadOptions().setFillCache(false).setVerifyChecksums(true);
             RocksIterator iterator = engine.db().newIterator(engine.handle(family), options)) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                byte[] key = iterator.key();
                try {
                    handler.accept(key, iterator.value());
                } catch (CorruptRecordException e) {
                    damaged("column family '" + family.columnFamilyName() + "', key " + HexFormat.of().formatHex(key)
                            + ": " + e.getMessage());
                }
            }
            iterator.status();
        } catch (RocksDBException e) {
            damaged("reading column family '" + family.columnFamilyName() + "' failed: " + DataDirectory.describe(e));
        }
    }

    private void damaged(String problem) {
        if (strict) {
            throw new StoreException("The data directory " + engine.directory() + " is damaged: " + problem
                    + DataDirectory.hint(engine.directory()));
        }
        if (problems.size() < MAX_LISTED_PROBLEMS) {
            problems.add(problem);
        } else {
            unlistedProblems++;
        }
    }

    private void count(ColumnFamily family) {
        counts.merge(family, 1L, Long::sum);
    }

    private void orphan(ColumnFamily family) {
        orphans.merge(family, 1L, Long::sum);
    }

    private void session(byte[] key, byte[] value) throws CorruptRecordException {
        String clientId = Keys.Utf8.decode(key, 0, key.length);
        StoredSession session = RecordCodec.session(clientId, value);
        sessions.put(clientId, new Builder(session));
        count(ColumnFamily.SESSIONS);
    }

    private void subscription(byte[] key, byte[] value) throws CorruptRecordException {
        String clientId = clientIdOf(key);
        StoredSubscription subscription = RecordCodec.subscription(Keys.subscriptionFilterOf(key), value);
        count(ColumnFamily.SUBSCRIPTIONS);
        Builder owner = sessions.get(clientId);
        if (owner == null) {
            orphan(ColumnFamily.SUBSCRIPTIONS);
        } else {
            owner.subscriptions.add(subscription);
        }
    }

    private void inboundQos2(byte[] key, byte[] value) throws CorruptRecordException {
        String clientId = clientIdOf(key);
        int packetId = Keys.inboundPacketIdOf(key);
        RecordCodec.inboundQos2(value);
        count(ColumnFamily.INBOUND_QOS2);
        Builder owner = sessions.get(clientId);
        if (owner == null) {
            orphan(ColumnFamily.INBOUND_QOS2);
        } else {
            owner.inboundQos2.add(packetId);
        }
    }

    private void retained(byte[] key, byte[] value) throws CorruptRecordException {
        StoredMessage message = RecordCodec.message(value);
        if (!Arrays.equals(key, Keys.retained(message.topic()))) {
            throw new CorruptRecordException("retained message of topic '" + message.topic() + "' under another key");
        }
        retained.add(message);
        count(ColumnFamily.RETAINED);
    }

    private String clientIdOf(byte[] key) throws CorruptRecordException {
        int length = Keys.separator(key);
        if (length != lastClientLength || !Arrays.equals(key, 0, length, lastClientKey, 0, length)) {
            lastClientId = Keys.Utf8.decode(key, 0, length);
            lastClientKey = key;
            lastClientLength = length;
        }
        return lastClientId;
    }

    /** Puts the up to three parts of each delivery (adjacent in key order) back together. */
    private final class DeliveryGrouper {
        private String clientId;
        private long sequence;
        private RecordCodec.DeliveryHead head;
        private RecordCodec.DeliveryStatus status;
        private StoredMessage message;
        private boolean open;

        void accept(byte[] key, byte[] value) throws CorruptRecordException {
            String keyClient = clientIdOf(key);
            long keySequence = Keys.deliverySequenceOf(key);
            if (!open || !keyClient.equals(clientId) || keySequence != sequence) {
                finish();
                open = true;
                clientId = keyClient;
                sequence = keySequence;
            }
            switch (Keys.deliveryPartOf(key)) {
                case Keys.DELIVERY_HEAD -> head = RecordCodec.deliveryHead(value);
                case Keys.DELIVERY_STATE -> status = RecordCodec.deliveryState(value);
                case Keys.DELIVERY_MESSAGE -> message = RecordCodec.message(value);
                default -> throw new CorruptRecordException("unknown delivery part " + Keys.deliveryPartOf(key));
            }
        }

        void finish() {
            if (!open) {
                return;
            }
            open = false;
            RecordCodec.DeliveryHead completeHead = head;
            RecordCodec.DeliveryStatus completeStatus = status;
            StoredMessage completeMessage = message;
            head = null;
            status = null;
            message = null;
            if (completeHead == null) {
                // A state change for a delivery removed before it: nothing to restore.
                orphan(ColumnFamily.DELIVERIES);
                return;
            }
            highestSequence = Math.max(highestSequence, sequence);
            if (completeStatus == null) {
                damaged("column family 'deliveries': delivery " + sequence + " of client '" + clientId
                        + "' has no state record");
                return;
            }
            count(ColumnFamily.DELIVERIES);
            Builder owner = sessions.get(clientId);
            if (owner == null) {
                orphan(ColumnFamily.DELIVERIES);
                return;
            }
            if (owner.deliveries.size() >= deliveriesPerSession) {
                owner.deliveriesOnDisk++;
                owner.payloadBytesOnDisk += completeMessage == null ? 0 : completeMessage.payload().length;
                return;
            }
            owner.deliveries.add(new StoredDelivery(sequence, completeMessage, completeHead.qos(),
                    completeHead.retainFlag(), completeHead.subscriptionIdentifiers(), completeStatus.packetId(),
                    completeStatus.state()));
        }
    }

    private static final class Builder {
        final StoredSession session;
        final List<StoredSubscription> subscriptions = new ArrayList<>();
        final List<StoredDelivery> deliveries = new ArrayList<>();
        final TreeSet<Integer> inboundQos2 = new TreeSet<>();
        long deliveriesOnDisk;
        long payloadBytesOnDisk;

        Builder(StoredSession session) {
            this.session = session;
        }

        StoreContents.RestoredSession build() {
            return new StoreContents.RestoredSession(session, List.copyOf(subscriptions), List.copyOf(deliveries),
                    Collections.unmodifiableSet(inboundQos2), deliveriesOnDisk, payloadBytesOnDisk);
        }
    }
}
