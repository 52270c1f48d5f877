package io.caravan.wsticket;

import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is connected to {@code /ws/events}: subject → WebSocket connection keys (the
 * {@code CamelVertxWebsocket.connectionKey} of each accepted socket). Filled by the ws-ticket flow
 * when a ticket-authenticated socket opens, emptied when it closes; read by the fan-out flow to
 * deliver a message to every socket of one subject:
 * <pre>
 *   String keys = registry.connectionKeysOf("caravan-admin"); // "k1,k2" or "" when offline
 *   // header CamelVertxWebsocket.connectionKey = keys, then to vertx-websocket:{{ws-ticket.ws.host}}:{{ws-ticket.ws.port}}/ws/events
 * </pre>
 * Thread-safe; a key belongs to at most one subject.
 */
public final class ConnectionRegistry {

    private final Map<String, String> subjectByKey = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> keysBySubject = new ConcurrentHashMap<>();

    /**
     * Binds {@code connectionKey} to {@code subject}; idempotent for the same pair.
     *
     * @return false when the key is already bound to another subject (nothing changes)
     */
    public boolean register(final String connectionKey, final String subject) {
        requireText(connectionKey, "connectionKey");
        requireText(subject, "subject");
        final String previous = subjectByKey.putIfAbsent(connectionKey, subject);
        if (previous != null) {
            return previous.equals(subject);
        }
        keysBySubject.compute(subject, (s, keys) -> {
            final Set<String> next = keys == null ? ConcurrentHashMap.newKeySet() : keys;
            next.add(connectionKey);
            return next;
        });
        return true;
    }

    /** Forgets {@code connectionKey}; returns whether it was registered. */
    public boolean unregister(final String connectionKey) {
        if (connectionKey == null) {
            return false;
        }
        final String subject = subjectByKey.remove(connectionKey);
        if (subject == null) {
            return false;
        }
        keysBySubject.computeIfPresent(subject, (s, keys) -> {
            keys.remove(connectionKey);
            return keys.isEmpty() ? null : keys;
        });
        return true;
    }

    /** The connection keys of {@code subject} right now (a snapshot; empty when offline). */
    public Set<String> connectionsOf(final String subject) {
        final Set<String> keys = subject == null ? null : keysBySubject.get(subject);
        return keys == null ? Set.of() : Collections.unmodifiableSet(new HashSet<>(keys));
    }

    /**
     * The connection keys of {@code subject} as the comma-separated value the vertx-websocket
     * producer takes in {@code CamelVertxWebsocket.connectionKey}; empty string when offline.
     */
    public String connectionKeysOf(final String subject) {
        return String.join(",", connectionsOf(subject));
    }

    /** The subject a connection is bound to. */
    public Optional<String> subjectOf(final String connectionKey) {
        return connectionKey == null ? Optional.empty() : Optional.ofNullable(subjectByKey.get(connectionKey));
    }

    /** Subjects with at least one open connection (a snapshot). */
    public Set<String> subjects() {
        return Set.copyOf(keysBySubject.keySet());
    }

    /** Number of registered connections. */
    public int size() {
        return subjectByKey.size();
    }

    private static void requireText(final String value, final String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
