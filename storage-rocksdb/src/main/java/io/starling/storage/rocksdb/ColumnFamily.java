package io.starling.storage.rocksdb;

import java.nio.charset.StandardCharsets;

/**
 * The RocksDB column families of a store, one per kind of record, so that each kind can be scanned on its own at
 * load and a session's records of one kind form one contiguous key range.
 */
enum ColumnFamily {
    /** clientId -> session fields. */
    SESSIONS("sessions"),
    /** clientId 0x00 topicFilter -> options, subscription identifier. */
    SUBSCRIPTIONS("subscriptions"),
    /** clientId 0x00 sequence part -> one part of a delivery (see {@link Keys#delivery}). */
    DELIVERIES("deliveries"),
    /** clientId 0x00 packetId -> nothing but the record format. */
    INBOUND_QOS2("inbound-qos2"),
    /** topic -> message. */
    RETAINED("retained"),
    /** Fixed names -> store-wide facts: the storage format version. */
    META("meta");

    private final String columnFamilyName;

    ColumnFamily(String columnFamilyName) {
        this.columnFamilyName = columnFamilyName;
    }

    String columnFamilyName() {
        return columnFamilyName;
    }

    byte[] nameBytes() {
        return columnFamilyName.getBytes(StandardCharsets.UTF_8);
    }
}
