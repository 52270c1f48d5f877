package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyShort;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.SocketAddress;
import org.apache.camel.component.vertx.websocket.VertxWebsocketPeer;
import org.junit.jupiter.api.Test;

/** The peer list UpgradeBinding puts into the vertx-websocket host: binds on add, unbinds on remove. */
class UpgradeBindingTest {

    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final ConnectionGuard guard = new ConnectionGuard(registry);
    private final UpgradeBinding.Peers peers = new UpgradeBinding.Peers(guard);

    private static VertxWebsocketPeer peer(final SocketAddress remote) {
        final ServerWebSocket socket = mock(ServerWebSocket.class);
        when(socket.remoteAddress()).thenReturn(remote);
        return new VertxWebsocketPeer(socket, "/ws/events");
    }

    @Test
    void anAddedSocketWithAGrantIsBoundAndUnboundWhenRemoved() {
        final SocketAddress remote = SocketAddress.inetSocketAddress(40000, "127.0.0.1");
        guard.granted(remote, "alice");
        final VertxWebsocketPeer peer = peer(remote);

        assertThat(peers.add(peer)).isTrue();
        assertThat(registry.connectionsOf("alice")).containsExactly(peer.getConnectionKey());
        verify(peer.getWebSocket(), never()).close(anyShort(), anyString());

        assertThat(peers.remove(peer)).isTrue();
        assertThat(registry.size()).isZero();
        assertThat(guard.grantCount()).as("the grant ends with the socket").isZero();
    }

    @Test
    void anAddedSocketWithoutAGrantIsClosedAndNeverBound() {
        final VertxWebsocketPeer peer = peer(SocketAddress.inetSocketAddress(40001, "127.0.0.1"));

        peers.add(peer);

        assertThat(registry.size()).isZero();
        verify(peer.getWebSocket()).close((short) 1008, "not authorised");
    }

    @Test
    void aGrantBindsOneSocketOnly() {
        final SocketAddress remote = SocketAddress.inetSocketAddress(40002, "127.0.0.1");
        guard.granted(remote, "alice");
        final VertxWebsocketPeer first = peer(remote);
        final VertxWebsocketPeer second = peer(remote);

        peers.add(first);
        peers.add(second);

        assertThat(registry.connectionsOf("alice")).containsExactly(first.getConnectionKey());
        verify(second.getWebSocket()).close((short) 1008, "not authorised");
    }

    @Test
    void removingAPeerThatIsNotThereChangesNothing() {
        final SocketAddress remote = SocketAddress.inetSocketAddress(40003, "127.0.0.1");
        guard.granted(remote, "alice");
        final VertxWebsocketPeer bound = peer(remote);
        peers.add(bound);

        assertThat(peers.remove(peer(remote))).isFalse();
        assertThat(registry.connectionsOf("alice")).containsExactly(bound.getConnectionKey());
    }
}
