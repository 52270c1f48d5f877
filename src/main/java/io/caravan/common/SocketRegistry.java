package io.caravan.common;

import java.util.Set;
import java.util.concurrent.CompletionStage;

import java.util.concurrent.Executor;

import io.vertx.core.http.ServerWebSocket;

/**
 * The authenticated WebSocket clients of this runtime, by subject: the contract between the flow that
 * accepts the sockets (ws-ticket's {@code wsTicketConnections}) and the flows that write to them
 * (events-fanout), wired by bean reference in YAML ({@code "#bean:wsTicketConnections"}).
 *
 * <p>A socket is known by its vertx-websocket connection key ({@code CamelVertxWebsocket.connectionKey}).
 * It is bound to its subject by its first OPEN or MESSAGE event (vertx-websocket processes them unordered);
 * the {@link ServerWebSocket} itself arrives with the OPEN event ({@link LiveSocket}), so {@link #opened(String)}
 * completes then.
 * Implementations are thread-safe.
 */
public interface SocketRegistry {

    /** Connection keys of {@code subject}'s open sockets (all tabs), a snapshot; empty when offline. */
    Set<String> connectionsOf(String subject);

    /** Subjects with at least one open socket (a snapshot). */
    Set<String> subjects();

    /** Whether {@code connectionKey} is an open, authenticated socket. */
    boolean isOpen(String connectionKey);

    /** The socket of {@code connectionKey} once its OPEN event was processed; null before that or once it closed. */
    LiveSocket socket(String connectionKey);

    /**
     * Completes with the socket of {@code connectionKey} when its OPEN event has been processed (at once when it
     * already was); fails when the key is unknown or the socket closes first. For replies to a client's own message,
     * which may be processed before the OPEN of its socket.
     */
    CompletionStage<LiveSocket> opened(String connectionKey);

    /**
     * An open socket and the Vert.x event loop its connection is served by, where a writer can write to it without
     * a thread hop: {@code eventLoop} runs tasks on {@code eventLoopThread} (one instance per thread, shared by all
     * its sockets, so that writers can group sockets by it); both null when unknown.
     */
    record LiveSocket(ServerWebSocket socket, Executor eventLoop, Thread eventLoopThread) {
    }
}
