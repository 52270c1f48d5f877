package io.caravan.wsticket;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.apache.camel.component.vertx.websocket.VertxWebsocketEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds each accepted WebSocket to the subject whose ticket opened it, whatever order Camel
 * processes its events in (vertx-websocket runs OPEN, MESSAGE and CLOSE exchanges unordered, so a
 * MESSAGE may come before its OPEN).
 *
 * <p>The handshake handler, once a ticket is redeemed, records a <em>grant</em> under the
 * connection's remote {@code SocketAddress} object (identity, not equality: a later connection
 * that reuses the same host:port is another object and never inherits a grant). The socket's
 * OPEN or its first MESSAGE exchange, whichever Camel processes first, claims the grant and registers its
 * connection key in the {@link ConnectionRegistry}; the OPEN (whose body is the {@link ServerWebSocket})
 * attaches the socket for the flows that write to it. A socket without a grant (or whose TCP connection
 * already closed) is never admitted, and its OPEN closes it (1008). Closing the TCP connection, or the
 * socket's CLOSE, ends the binding.
 *
 * <p>Only the values vertx-websocket sets itself are trusted: it sets the connection key, remote
 * address and event headers first and then appends the client's query parameters, so a client
 * that adds {@code ?CamelVertxWebsocket.connectionKey=other} only turns the header into a list
 * whose first element is still the real one.
 */
public final class ConnectionGuard {

    /** Exchange properties set by {@link #admit(Exchange)}. */
    public static final String SUBJECT = "wsTicketSubject";
    public static final String CONNECTION_KEY = "wsTicketConnectionKey";
    public static final String EVENT = "wsTicketEvent";
    public static final String ADMITTED = "wsTicketAdmitted";

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    /** WebSocket close code 1008 (policy violation). */
    private static final short POLICY_VIOLATION = 1008;

    private final ConnectionRegistry registry;
    private final Map<Identity, Grant> grants = new ConcurrentHashMap<>();
    /**
     * One executor per event-loop thread (bounded by the runtime's event loops): each request runs on a context of
     * its own, but every context of a thread runs its tasks on that thread, in order.
     */
    private final Map<Thread, Executor> loops = new ConcurrentHashMap<>();

    public ConnectionGuard(final ConnectionRegistry registry) {
        this.registry = registry;
    }

    public ConnectionRegistry registry() {
        return registry;
    }

    /** Called by the handshake handler after a successful redemption, before the upgrade. */
    public void granted(final Object connection, final String subject) {
        granted(connection, subject, null);
    }

    /**
     * Called by the handshake handler after a successful redemption, before the upgrade, on the connection's event
     * loop with its Vert.x context: writers of the socket are given that event loop with it.
     */
    public void granted(final Object connection, final String subject, final Context context) {
        final Thread loop = context == null ? null : Thread.currentThread();
        final Executor executor = loop == null ? null
                : loops.computeIfAbsent(loop, t -> task -> context.runOnContext(ignored -> task.run()));
        grants.put(new Identity(connection), new Grant(subject, executor, loop));
    }

    /** Called when the TCP connection closes (upgraded or not): the grant and binding end. */
    public void connectionClosed(final Object connection) {
        final Grant grant = grants.remove(new Identity(connection));
        if (grant != null) {
            final String key = grant.close();
            if (key != null) {
                registry.unregister(key);
            }
        }
    }

    /**
     * Admits one event of a socket: binds it on its first OPEN or MESSAGE. Sets the exchange
     * properties {@link #SUBJECT}, {@link #CONNECTION_KEY}, {@link #EVENT}, {@link #ADMITTED}
     * and removes the vertx-websocket headers. A refused OPEN closes the socket (1008).
     *
     * @return whether the event belongs to an admitted socket (CLOSE: always false)
     */
    public boolean admit(final Exchange exchange) {
        final Message message = exchange.getMessage();
        final Object key = first(message.getHeader(VertxWebsocketConstants.CONNECTION_KEY));
        final Object remote = first(message.getHeader(VertxWebsocketConstants.REMOTE_ADDRESS));
        final Object event = first(message.getHeader(VertxWebsocketConstants.EVENT));
        message.removeHeaders("CamelVertxWebsocket*");
        final boolean admitted = admit(key instanceof String s ? s : null, remote, event instanceof VertxWebsocketEvent e ? e : null);
        exchange.setProperty(ADMITTED, admitted);
        exchange.setProperty(CONNECTION_KEY, key instanceof String s ? s : null);
        exchange.setProperty(EVENT, event instanceof VertxWebsocketEvent e ? e.name() : "UNKNOWN");
        exchange.setProperty(SUBJECT, admitted ? registry.subjectOf((String) key).orElse(null) : null);
        if (event == VertxWebsocketEvent.OPEN && message.getBody() instanceof ServerWebSocket socket) {
            if (admitted) {
                final Grant grant = grants.get(new Identity(remote));
                // writers may use it from now on
                registry.attach((String) key, socket, grant == null ? null : grant.eventLoop, grant == null ? null : grant.eventLoopThread);
            } else {
                socket.close(POLICY_VIOLATION, "not authorised");
            }
        }
        if (event == VertxWebsocketEvent.OPEN) {
            message.setBody(null); // never carry the live socket further down the route
        }
        return admitted;
    }

    /** The decision of {@link #admit(Exchange)} on trusted values (unit-testable). */
    public boolean admit(final String connectionKey, final Object remote, final VertxWebsocketEvent event) {
        if (connectionKey == null || remote == null || event == null) {
            return false;
        }
        if (event == VertxWebsocketEvent.CLOSE || event == VertxWebsocketEvent.ERROR) {
            registry.unregister(connectionKey);
            connectionClosed(remote);
            return false;
        }
        final Grant grant = grants.get(new Identity(remote));
        if (grant == null) {
            LOG.debug("ws-ticket: {} of a socket without a ticket grant refused", event);
            return false;
        }
        return grant.bind(connectionKey, registry);
    }

    /** Open grants (handshakes accepted, TCP connection not yet closed). */
    public int grantCount() {
        return grants.size();
    }

    private static Object first(final Object header) {
        if (header instanceof List<?> list) {
            return list.isEmpty() ? null : list.get(0);
        }
        return header;
    }

    /** Map key comparing by object identity. */
    private record Identity(Object target) {
        @Override
        public boolean equals(final Object other) {
            return other instanceof Identity i && i.target == target;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(target);
        }
    }

    /** One redeemed ticket's right to bind one socket. */
    private static final class Grant {
        private final String subject;
        private final Executor eventLoop;
        private final Thread eventLoopThread;
        private String boundKey;
        private boolean closed;

        Grant(final String subject, final Executor eventLoop, final Thread eventLoopThread) {
            this.subject = subject;
            this.eventLoop = eventLoop;
            this.eventLoopThread = eventLoopThread;
        }

        synchronized boolean bind(final String connectionKey, final ConnectionRegistry registry) {
            if (closed) {
                return false;
            }
            if (boundKey == null) {
                if (!registry.register(connectionKey, subject)) {
                    return false;
                }
                boundKey = connectionKey;
                return true;
            }
            return boundKey.equals(connectionKey);
        }

        synchronized String close() {
            closed = true;
            return boundKey;
        }
    }
}
