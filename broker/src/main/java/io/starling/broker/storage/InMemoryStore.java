package io.starling.broker.storage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The store for {@code durability: none}: everything in memory, nothing survives the process. Writes complete
 * immediately, each batch atomically under one lock. It is also the reference model the on-disk engines are
 * tested against, so its semantics are the contract's:
 *
 * <ul>
 *   <li>State belongs to a client identifier whether or not a session record exists; {@link #load()} returns
 *       only clients that have a session record (subscriptions, deliveries or inbound QoS 2 ids written without
 *       one are kept, and appear once a {@code PutSession} arrives, or go with {@code RemoveSession}).</li>
 *   <li>{@code UpdateDelivery} and the {@code Remove*} operations of something absent do nothing.</li>
 *   <li>{@link #load()} orders sessions, subscriptions (by topic filter) and retained messages (by topic) by
 *       Unicode code point, which is also the byte order of their UTF-8 encoding and so the order an on-disk
 *       engine reads them back in; deliveries are in sequence order.</li>
 * </ul>
 *
 * <p>Records are kept by reference, not copied: callers must not change a payload array after writing it.
 */
public final class InMemoryStore implements BrokerStore {

    /** Code point order: the same as the byte order of the UTF-8 encodings, unlike {@link String#compareTo}. */
    private static final Comparator<String> CODE_POINT_ORDER = InMemoryStore::compareCodePoints;

    private final Object lock = new Object();
    private final Map<String, ClientState> clients = new TreeMap<>(CODE_POINT_ORDER);
    private final Map<String, StoredMessage> retained = new TreeMap<>(CODE_POINT_ORDER);
    private boolean closed;

    @Override
    public StoreContents load(int deliveriesPerSession) {
        synchronized (lock) {
            Map<String, StoreContents.RestoredSession> sessions = new LinkedHashMap<>();
            long highest = 0;
            for (Map.Entry<String, ClientState> entry : clients.entrySet()) {
                ClientState state = entry.getValue();
                if (!state.deliveries.isEmpty()) {
                    highest = Math.max(highest, state.deliveries.lastKey());
                }
                if (state.session != null) {
                    sessions.put(entry.getKey(), state.restore(deliveriesPerSession));
                }
            }
            return new StoreContents(Collections.unmodifiableMap(sessions), List.copyOf(retained.values()), highest);
        }
    }

    @Override
    public CompletionStage<List<StoredDelivery>> readDeliveries(String clientId, long afterSequence, int limit) {
        synchronized (lock) {
            ClientState state = clients.get(clientId);
            if (state == null) {
                return CompletableFuture.completedStage(List.of());
            }
            return CompletableFuture.completedStage(state.deliveries.tailMap(afterSequence, false).values().stream()
                    .limit(limit).toList());
        }
    }

    @Override
    public CompletionStage<Void> write(List<StoreOperation> operations) {
        try {
            operations.forEach(InMemoryStore::validate);
        } catch (RuntimeException invalid) {
            return CompletableFuture.failedFuture(new StoreException("cannot store: " + invalid.getMessage(), invalid));
        }
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new StoreException("the in-memory store is closed"));
            }
            operations.forEach(this::apply);
        }
        // A fresh minimal stage: no caller can obtrude another outcome on what others were given.
        return CompletableFuture.completedStage(null);
    }

    @Override
    public Durability durability() {
        return Durability.NONE;
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
    }

    /** Checks everything a batch needs before any of it is applied, so that a batch applies whole or not at all. */
    private static void validate(StoreOperation operation) {
        Objects.requireNonNull(operation, "operation");
        if (operation instanceof StoreOperation.PutSession put) {
            Objects.requireNonNull(put.session(), "session");
        } else if (operation instanceof StoreOperation.PutSubscription put) {
            Objects.requireNonNull(put.clientId(), "clientId");
            Objects.requireNonNull(put.subscription(), "subscription");
        } else if (operation instanceof StoreOperation.PutDelivery put) {
            Objects.requireNonNull(put.clientId(), "clientId");
            Objects.requireNonNull(put.delivery(), "delivery");
        } else if (operation instanceof StoreOperation.UpdateDelivery update) {
            Objects.requireNonNull(update.clientId(), "clientId");
            Objects.requireNonNull(update.state(), "state");
        } else if (operation instanceof StoreOperation.PutRetained put) {
            Objects.requireNonNull(put.message(), "message");
        } else if (operation instanceof StoreOperation.RemoveRetained remove) {
            Objects.requireNonNull(remove.topic(), "topic");
        } else if (operation instanceof StoreOperation.RemoveSubscription remove) {
            Objects.requireNonNull(remove.clientId(), "clientId");
            Objects.requireNonNull(remove.topicFilter(), "topicFilter");
        } else {
            Objects.requireNonNull(clientIdOf(operation), "clientId");
        }
    }

    /** The client of the operations that name nothing but a client and a number. */
    private static String clientIdOf(StoreOperation operation) {
        if (operation instanceof StoreOperation.RemoveSession remove) {
            return remove.clientId();
        } else if (operation instanceof StoreOperation.RemoveDelivery remove) {
            return remove.clientId();
        } else if (operation instanceof StoreOperation.PutInboundQos2 put) {
            return put.clientId();
        } else if (operation instanceof StoreOperation.RemoveInboundQos2 remove) {
            return remove.clientId();
        }
        throw new IllegalArgumentException("unknown operation " + operation);
    }

    private void apply(StoreOperation operation) {
        if (operation instanceof StoreOperation.PutSession put) {
            client(put.session().clientId()).session = put.session();
        } else if (operation instanceof StoreOperation.RemoveSession remove) {
            clients.remove(remove.clientId());
        } else if (operation instanceof StoreOperation.PutSubscription put) {
            client(put.clientId()).subscriptions.put(put.subscription().topicFilter(), put.subscription());
        } else if (operation instanceof StoreOperation.RemoveSubscription remove) {
            existing(remove.clientId()).subscriptions.remove(remove.topicFilter());
        } else if (operation instanceof StoreOperation.PutDelivery put) {
            client(put.clientId()).deliveries.put(put.delivery().sequence(), put.delivery());
        } else if (operation instanceof StoreOperation.UpdateDelivery update) {
            existing(update.clientId()).update(update);
        } else if (operation instanceof StoreOperation.RemoveDelivery remove) {
            existing(remove.clientId()).deliveries.remove(remove.sequence());
        } else if (operation instanceof StoreOperation.PutInboundQos2 put) {
            client(put.clientId()).inboundQos2.add(put.packetId());
        } else if (operation instanceof StoreOperation.RemoveInboundQos2 remove) {
            existing(remove.clientId()).inboundQos2.remove(remove.packetId());
        } else if (operation instanceof StoreOperation.PutRetained put) {
            retained.put(put.message().topic(), put.message());
        } else if (operation instanceof StoreOperation.RemoveRetained remove) {
            retained.remove(remove.topic());
        }
    }

    private ClientState client(String clientId) {
        return clients.computeIfAbsent(clientId, id -> new ClientState());
    }

    /** The client's state, or an empty throwaway one, so that removing from an unknown client does nothing. */
    private ClientState existing(String clientId) {
        ClientState state = clients.get(clientId);
        return state != null ? state : new ClientState();
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static final class ClientState {
        StoredSession session;
        final Map<String, StoredSubscription> subscriptions = new TreeMap<>(CODE_POINT_ORDER);
        final TreeMap<Long, StoredDelivery> deliveries = new TreeMap<>();
        final TreeSet<Integer> inboundQos2 = new TreeSet<>();

        void update(StoreOperation.UpdateDelivery update) {
            StoredDelivery current = deliveries.get(update.sequence());
            if (current == null) {
                return;
            }
            // Once PUBREC has arrived the message itself is no longer needed, only the packet id and state.
            StoredMessage message = update.state() == DeliveryState.AWAITING_PUBCOMP ? null : current.message();
            deliveries.put(update.sequence(), new StoredDelivery(current.sequence(), message, current.qos(),
                    current.retainFlag(), current.subscriptionIdentifiers(), update.packetId(), update.state()));
        }

        StoreContents.RestoredSession restore(int deliveriesPerSession) {
            List<StoredDelivery> loaded = new ArrayList<>();
            long onDisk = 0;
            long bytesOnDisk = 0;
            for (StoredDelivery delivery : deliveries.values()) {
                if (loaded.size() < deliveriesPerSession) {
                    loaded.add(delivery);
                } else {
                    onDisk++;
                    bytesOnDisk += delivery.message() == null ? 0 : delivery.message().payload().length;
                }
            }
            return new StoreContents.RestoredSession(session, List.copyOf(subscriptions.values()),
                    List.copyOf(loaded), Collections.unmodifiableSet(new TreeSet<>(inboundQos2)), onDisk,
                    bytesOnDisk);
        }
    }
}
