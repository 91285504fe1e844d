package io.starling.storage.rocksdb;

import io.starling.broker.storage.DeliveryState;
import io.starling.broker.storage.StoreContents;
import io.starling.broker.storage.StoreOperation;
import io.starling.broker.storage.StoredDelivery;
import io.starling.broker.storage.StoredMessage;
import io.starling.codec.QoS;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The child process of the crash tests: writes batches from several threads to a {@code sync} store and prints
 * {@code ACK <id>} for each batch once its write has completed, until killed (or, bounded, after a fixed number
 * of batches or seconds). Arguments: data directory, run number (keeps ids distinct across runs), threads,
 * {@code sync} or {@code periodic}.
 */
public final class CrashWriterMain {

    static final int BATCHES_PER_THREAD = 20_000;
    static final long MAX_SECONDS = 60;

    private CrashWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        long run = Long.parseLong(args[1]);
        int threads = Integer.parseInt(args[2]);
        RocksDbStoreConfig config = args[3].equals("sync") ? RocksDbStoreConfig.sync()
                : RocksDbStoreConfig.periodic(java.time.Duration.ofMillis(50));
        PrintStream out = System.out;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MAX_SECONDS);
        RocksDbStore store = RocksDbStore.open(directory, config);
        synchronized (out) {
            out.println("OPEN");
            out.flush();
        }
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long first = run * 1_000_000 + t * 100_000L;
            Thread writer = new Thread(() -> {
                for (long id = first; id < first + BATCHES_PER_THREAD && System.nanoTime() < deadline; id++) {
                    store.write(batch(id)).toCompletableFuture().join();
                    synchronized (out) {
                        out.println("ACK " + id);
                        out.flush();
                    }
                }
            });
            writer.start();
            writers.add(writer);
        }
        for (Thread writer : writers) {
            writer.join();
        }
        store.close();
        synchronized (out) {
            out.println("DONE");
            out.flush();
        }
    }

    /** Four records of four kinds, all derived from the id, so a reader can check a batch is all there or absent. */
    static List<StoreOperation> batch(long id) {
        String clientId = "c" + id;
        return List.of(new StoreOperation.PutSession(Samples.session(clientId)),
                new StoreOperation.PutDelivery(clientId, delivery(id)),
                new StoreOperation.PutInboundQos2(clientId, packetId(id)),
                new StoreOperation.PutRetained(retained(id)));
    }

    static StoredDelivery delivery(long id) {
        return new StoredDelivery(id, new StoredMessage("d/" + id, QoS.AT_LEAST_ONCE, false,
                Samples.richProperties(), payload(id), 0, "p"), QoS.AT_LEAST_ONCE, false, List.of(), 0,
                DeliveryState.QUEUED);
    }

    static StoredMessage retained(long id) {
        return Samples.plainMessage("b/" + id, payload(id));
    }

    static int packetId(long id) {
        return (int) (id % 65_535) + 1;
    }

    static byte[] payload(long id) {
        byte[] payload = new byte[(int) (id % 1_500) + 10];
        Arrays.fill(payload, (byte) id);
        return payload;
    }

    /** Whether every record of batch {@code id} is in {@code contents}, exactly as written. */
    static boolean isComplete(StoreContents contents, long id) {
        StoreContents.RestoredSession session = contents.sessions().get("c" + id);
        return session != null && session.deliveries().equals(List.of(delivery(id)))
                && session.inboundQos2().equals(java.util.Set.of(packetId(id)))
                && contents.retained().contains(retained(id));
    }
}
