package io.caravan.eventsfanout;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.caravan.wsticket.WebSocketHosts;
import io.vertx.core.http.ServerWebSocket;
import org.apache.camel.CamelContext;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHost;
import org.apache.camel.component.vertx.websocket.VertxWebsocketPeer;

/**
 * Finds the Vert.x {@link ServerWebSocket} behind a vertx-websocket connection key (the key the
 * ws-ticket flow registers per subject), so that the fan-out can write to it asynchronously and see
 * its back-pressure. vertx-websocket keeps its peers in a list per host:port
 * ({@code VertxWebsocketHost#getConnectedPeers()}, public; the host found by {@link WebSocketHosts} once
 * per lookup miss); this class indexes them by key.
 * A key that is not (yet) in the index triggers one rebuild of the index from the peer list.
 */
public final class WebSocketPeers {

    private final CamelContext camelContext;
    private final String host;
    private final int port;
    private final Map<String, ServerWebSocket> index = new ConcurrentHashMap<>();

    public WebSocketPeers(final CamelContext camelContext, final String host, final int port) {
        this.camelContext = camelContext;
        this.host = host;
        this.port = port;
    }

    /** The open socket of {@code connectionKey}, or null when there is none on this host:port. */
    public ServerWebSocket find(final String connectionKey) {
        ServerWebSocket socket = index.get(connectionKey);
        if (socket != null && !socket.isClosed()) {
            return socket;
        }
        if (socket != null) {
            index.remove(connectionKey, socket);
        }
        rebuild();
        socket = index.get(connectionKey);
        return socket == null || socket.isClosed() ? null : socket;
    }

    /** Forgets {@code connectionKey} (its socket closed). */
    public void forget(final String connectionKey) {
        index.remove(connectionKey);
    }

    public int indexed() {
        return index.size();
    }

    private synchronized void rebuild() {
        final VertxWebsocketHost h = host();
        if (h == null) {
            return;
        }
        for (final VertxWebsocketPeer peer : h.getConnectedPeers()) {
            index.putIfAbsent(peer.getConnectionKey(), peer.getWebSocket());
        }
        index.values().removeIf(ServerWebSocket::isClosed);
    }

    private VertxWebsocketHost host() {
        return WebSocketHosts.find(camelContext, host, port);
    }
}
