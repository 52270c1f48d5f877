package io.caravan.wsticket;

import java.lang.reflect.Field;
import java.util.concurrent.CopyOnWriteArrayList;

import io.vertx.core.http.ServerWebSocket;
import org.apache.camel.Route;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConfiguration;
import org.apache.camel.component.vertx.websocket.VertxWebsocketEndpoint;
import org.apache.camel.component.vertx.websocket.VertxWebsocketEvent;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHost;
import org.apache.camel.component.vertx.websocket.VertxWebsocketPeer;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route policy of the {@code /ws/events} consumer route: binds each accepted socket to its subject
 * at the upgrade itself, on the event loop, instead of in an OPEN exchange on the worker pool.
 *
 * <p>vertx-websocket, with {@code fireWebSocketConnectionEvents}, runs an OPEN and a CLOSE exchange
 * for every socket through {@code executeBlocking}: two worker-pool hops and two Camel exchanges per
 * connection (87 of the flow's 423 µs of CPU per ticket cycle, measured). The host adds every upgraded
 * socket to its peer list before it installs the socket's message handlers; when the route starts,
 * this policy replaces that list (a private field, reached reflectively) with one that tells the
 * {@link ConnectionGuard} of each socket added ({@code OPEN}: the grant the handshake left is claimed,
 * the key registered, a socket without one closed with 1008) and removed ({@code CLOSE}), and then
 * turns the endpoint's connection events off. A socket is therefore bound before any of its messages
 * can reach the route.
 *
 * <p>When the list cannot be replaced (another vertx-websocket version), the policy logs a warning
 * and leaves the connection events on: the route's {@code wsTicketGuard.admit} step binds on OPEN as
 * before. The guard's own rules (one grant, one socket; MESSAGE before OPEN) hold either way.
 */
public final class UpgradeBinding extends RoutePolicySupport {

    private static final Logger LOG = LoggerFactory.getLogger(UpgradeBinding.class);
    /** WebSocket close code 1008 (policy violation). */
    private static final short POLICY_VIOLATION = 1008;

    private final ConnectionGuard guard;
    private volatile boolean active;
    /** Whether this policy turned the endpoint's connection events off (to turn them on again if it cannot bind). */
    private boolean eventsTurnedOff;

    public UpgradeBinding(final ConnectionGuard guard) {
        this.guard = guard;
    }

    /** Whether sockets are bound at the upgrade now (false: by the route's OPEN exchanges). */
    public boolean active() {
        return active;
    }

    @Override
    public void onStart(final Route route) {
        if (!(route.getEndpoint() instanceof VertxWebsocketEndpoint endpoint)) {
            throw new IllegalArgumentException("UpgradeBinding belongs on a vertx-websocket consumer route, not on " + route.getEndpoint());
        }
        final VertxWebsocketConfiguration config = endpoint.getConfiguration();
        final String hostName = config.getWebsocketURI().getHost();
        final int port = config.getWebsocketURI().getPort();
        final VertxWebsocketHost host = WebSocketHosts.find(route.getCamelContext(), hostName, port);
        if (host == null) {
            LOG.warn("{}: no vertx-websocket server on {}:{}; sockets are bound by OPEN exchanges", route.getRouteId(), hostName, port);
            restoreEvents(config);
            return;
        }
        try {
            final Field peers = VertxWebsocketHost.class.getDeclaredField("connectedPeers");
            peers.setAccessible(true);
            if (!(peers.get(host) instanceof Peers)) {
                final Peers hooked = new Peers(guard);
                hooked.addAllSilently(host.getConnectedPeers());
                peers.set(host, hooked);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("{}: cannot bind sockets at the upgrade ({}); sockets are bound by OPEN exchanges", route.getRouteId(), e.toString());
            restoreEvents(config);
            return;
        }
        config.setFireWebSocketConnectionEvents(false);
        eventsTurnedOff = true;
        active = true;
        LOG.info("{}: sockets on {}:{} are bound to their subject at the upgrade (no OPEN/CLOSE exchanges)", route.getRouteId(), hostName, port);
    }

    @Override
    public void onStop(final Route route) {
        active = false;
    }

    /** After a restart that cannot bind at the upgrade, the OPEN/CLOSE exchanges must bind again. */
    private void restoreEvents(final VertxWebsocketConfiguration config) {
        if (eventsTurnedOff) {
            config.setFireWebSocketConnectionEvents(true);
            eventsTurnedOff = false;
        }
        active = false;
    }

    /** The host's peer list, reporting additions and removals to the guard (on the socket's event loop). */
    static final class Peers extends CopyOnWriteArrayList<VertxWebsocketPeer> {
        private static final long serialVersionUID = 1L;
        private final transient ConnectionGuard guard;

        Peers(final ConnectionGuard guard) {
            this.guard = guard;
        }

        void addAllSilently(final Iterable<VertxWebsocketPeer> existing) {
            existing.forEach(super::add);
        }

        @Override
        public boolean add(final VertxWebsocketPeer peer) {
            final boolean added = super.add(peer);
            final ServerWebSocket socket = peer.getWebSocket();
            if (!guard.admit(peer.getConnectionKey(), socket.remoteAddress(), VertxWebsocketEvent.OPEN)) {
                socket.close(POLICY_VIOLATION, "not authorised");
            }
            return added;
        }

        @Override
        public boolean remove(final Object peer) {
            final boolean removed = super.remove(peer);
            if (removed && peer instanceof VertxWebsocketPeer p) {
                guard.admit(p.getConnectionKey(), p.getWebSocket().remoteAddress(), VertxWebsocketEvent.CLOSE);
            }
            return removed;
        }
    }
}
