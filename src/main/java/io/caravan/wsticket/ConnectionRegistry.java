package io.caravan.wsticket;

import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import io.caravan.common.SocketRegistry;
import java.util.concurrent.Executor;

import io.vertx.core.http.ServerWebSocket;

/**
 * Who is connected to {@code /ws/events}: subject → WebSocket connection keys (the
 * {@code CamelVertxWebsocket.connectionKey} of each accepted socket) and, once its OPEN event is processed,
 * the socket itself. Filled by the ws-ticket flow ({@link ConnectionGuard}) when a ticket-authenticated socket
 * opens, emptied when it closes; read through {@link SocketRegistry} by the flows that write to the sockets.
 * Thread-safe; a key belongs to at most one subject.
 */
public final class ConnectionRegistry implements SocketRegistry {

    private final Map<String, String> subjectByKey = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> keysBySubject = new ConcurrentHashMap<>();
    /** Completed with the socket by its OPEN event; present from the binding until the close. */
    private final Map<String, CompletableFuture<LiveSocket>> sockets = new ConcurrentHashMap<>();

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
        sockets.putIfAbsent(connectionKey, new CompletableFuture<>());
        keysBySubject.compute(subject, (s, keys) -> {
            final Set<String> next = keys == null ? ConcurrentHashMap.newKeySet() : keys;
            next.add(connectionKey);
            return next;
        });
        return true;
    }

    /**
     * Attaches the socket of a bound key (its OPEN event) and the event loop its connection is served by (both null:
     * unknown); false when the key is not bound (nothing changes).
     */
    public boolean attach(final String connectionKey, final ServerWebSocket socket, final Executor eventLoop, final Thread eventLoopThread) {
        final CompletableFuture<LiveSocket> opened = connectionKey == null ? null : sockets.get(connectionKey);
        if (opened == null || socket == null) {
            return false;
        }
        opened.complete(new LiveSocket(socket, eventLoop, eventLoopThread));
        return true;
    }

    /** Forgets {@code connectionKey}; returns whether it was registered. */
    public boolean unregister(final String connectionKey) {
        if (connectionKey == null) {
            return false;
        }
        final String subject = subjectByKey.remove(connectionKey);
        final CompletableFuture<LiveSocket> opened = sockets.remove(connectionKey);
        if (opened != null) {
            opened.completeExceptionally(new IllegalStateException("WebSocket closed"));
        }
        if (subject == null) {
            return false;
        }
        keysBySubject.computeIfPresent(subject, (s, keys) -> {
            keys.remove(connectionKey);
            return keys.isEmpty() ? null : keys;
        });
        return true;
    }

    @Override
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

    @Override
    public Set<String> subjects() {
        return Set.copyOf(keysBySubject.keySet());
    }

    @Override
    public boolean isOpen(final String connectionKey) {
        return connectionKey != null && subjectByKey.containsKey(connectionKey);
    }

    @Override
    public LiveSocket socket(final String connectionKey) {
        final CompletableFuture<LiveSocket> opened = connectionKey == null ? null : sockets.get(connectionKey);
        if (opened == null || !opened.isDone() || opened.isCompletedExceptionally()) {
            return null;
        }
        return opened.join();
    }

    @Override
    public CompletionStage<LiveSocket> opened(final String connectionKey) {
        final CompletableFuture<LiveSocket> opened = connectionKey == null ? null : sockets.get(connectionKey);
        return opened == null ? CompletableFuture.failedFuture(new IllegalStateException("no open WebSocket with this key"))
                : opened.copy();
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
