package io.caravan.wsticket;

import static org.apache.camel.component.vertx.websocket.VertxWebsocketEvent.CLOSE;
import static org.apache.camel.component.vertx.websocket.VertxWebsocketEvent.MESSAGE;
import static org.apache.camel.component.vertx.websocket.VertxWebsocketEvent.OPEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.caravan.common.SocketRegistry;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.SocketAddress;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionGuardTest {

    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final ConnectionGuard guard = new ConnectionGuard(registry);
    private final SocketAddress remote = SocketAddress.inetSocketAddress(40000, "127.0.0.1");
    private final CamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    @Test
    void openThenMessageBindsOnce() {
        guard.granted(remote, "alice");

        assertThat(guard.admit("k1", remote, OPEN)).isTrue();
        assertThat(guard.admit("k1", remote, MESSAGE)).isTrue();
        assertThat(registry.connectionsOf("alice")).containsExactly("k1");
    }

    @Test
    void messageBeforeOpenIsAuthorisedAndBindsTheSocket() {
        guard.granted(remote, "alice");

        assertThat(guard.admit("k1", remote, MESSAGE)).isTrue();
        assertThat(registry.subjectOf("k1")).hasValue("alice");
        assertThat(guard.admit("k1", remote, OPEN)).isTrue();
        assertThat(registry.connectionsOf("alice")).containsExactly("k1");
    }

    @Test
    void aSocketWithoutAGrantIsNeverAdmitted() {
        assertThat(guard.admit("k1", remote, OPEN)).isFalse();
        assertThat(guard.admit("k1", remote, MESSAGE)).isFalse();
        assertThat(registry.size()).isZero();
    }

    @Test
    void closeBeforeOpenLeavesNothingBehind() {
        guard.granted(remote, "alice");

        assertThat(guard.admit("k1", remote, CLOSE)).isFalse();
        assertThat(guard.admit("k1", remote, OPEN)).isFalse();
        assertThat(guard.admit("k1", remote, MESSAGE)).isFalse();
        assertThat(registry.size()).isZero();
        assertThat(guard.grantCount()).isZero();
    }

    @Test
    void tcpCloseEndsTheBinding() {
        guard.granted(remote, "alice");
        guard.admit("k1", remote, OPEN);

        guard.connectionClosed(remote);

        assertThat(registry.connectionsOf("alice")).isEmpty();
        assertThat(guard.admit("k1", remote, MESSAGE)).isFalse();
        assertThat(guard.grantCount()).isZero();
    }

    @Test
    void aLaterConnectionFromTheSameHostAndPortInheritsNothing() {
        guard.granted(remote, "alice");
        final SocketAddress sameHostPort = SocketAddress.inetSocketAddress(40000, "127.0.0.1");
        assertThat(sameHostPort).isEqualTo(remote);

        assertThat(guard.admit("k2", sameHostPort, OPEN)).as("grants are per connection object").isFalse();
    }

    @Test
    void oneGrantBindsOneSocketOnly() {
        guard.granted(remote, "alice");
        guard.admit("k1", remote, OPEN);

        assertThat(guard.admit("k2", remote, OPEN)).isFalse();
        assertThat(registry.connectionsOf("alice")).containsExactly("k1");
    }

    @Test
    void missingTrustedValuesAreRefused() {
        guard.granted(remote, "alice");
        assertThat(guard.admit(null, remote, OPEN)).isFalse();
        assertThat(guard.admit("k1", null, OPEN)).isFalse();
        assertThat(guard.admit("k1", remote, null)).isFalse();
    }

    @Test
    void onlyTheValuesVertxWebsocketSetFirstAreTrusted() {
        guard.granted(remote, "alice");
        registry.register("victim", "bob");
        // vertx-websocket sets its headers, then appends ?CamelVertxWebsocket.*=... query parameters to them
        final Exchange exchange = event("k1", MESSAGE);
        exchange.getMessage().setHeader(VertxWebsocketConstants.CONNECTION_KEY, list("k1", "victim"));
        exchange.getMessage().setHeader(VertxWebsocketConstants.EVENT, list(MESSAGE, "CLOSE"));
        exchange.getMessage().setHeader(VertxWebsocketConstants.REMOTE_ADDRESS, list(remote, "10.0.0.1:1"));
        exchange.getMessage().setHeader(VertxWebsocketConstants.SEND_TO_ALL, "true");

        assertThat(guard.admit(exchange)).isTrue();

        assertThat(exchange.getProperty(ConnectionGuard.CONNECTION_KEY)).isEqualTo("k1");
        assertThat(exchange.getProperty(ConnectionGuard.SUBJECT)).isEqualTo("alice");
        assertThat(exchange.getProperty(ConnectionGuard.EVENT)).isEqualTo("MESSAGE");
        assertThat(exchange.getProperty(ConnectionGuard.ADMITTED, Boolean.class)).isTrue();
        assertThat(exchange.getMessage().getHeaders()).isEmpty();
        assertThat(registry.subjectOf("victim")).hasValue("bob");
    }

    @Test
    void valuesAClientCanOnlySendAsStringsAreNotTrusted() {
        guard.granted(remote, "alice");
        final Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(VertxWebsocketConstants.CONNECTION_KEY, "k1");
        exchange.getMessage().setHeader(VertxWebsocketConstants.EVENT, "MESSAGE");
        exchange.getMessage().setHeader(VertxWebsocketConstants.REMOTE_ADDRESS, remote);

        assertThat(guard.admit(exchange)).isFalse();
        assertThat(exchange.getProperty(ConnectionGuard.SUBJECT)).isNull();
    }

    @Test
    void closeEventUnregisters() {
        guard.granted(remote, "alice");
        assertThat(guard.admit(event("k1", OPEN))).isTrue();

        final Exchange close = event("k1", CLOSE);
        assertThat(guard.admit(close)).isFalse();
        assertThat(close.getProperty(ConnectionGuard.EVENT)).isEqualTo("CLOSE");
        assertThat(registry.size()).isZero();
    }

    @Test
    void anOpenAttachesItsSocketAndDropsItFromTheExchange() {
        guard.granted(remote, "alice");
        final ServerWebSocket socket = socket();
        final Exchange open = event("k1", OPEN);
        open.getMessage().setBody(socket);

        assertThat(guard.admit(open)).isTrue();

        assertThat(registry.socket("k1").socket()).isSameAs(socket);
        assertThat(registry.opened("k1").toCompletableFuture().join().socket()).isSameAs(socket);
        assertThat(open.getMessage().getBody()).as("the live socket goes no further down the route").isNull();
    }

    @Test
    void aMessageProcessedBeforeItsOpenGetsItsSocketWhenTheOpenArrives() {
        guard.granted(remote, "alice");
        assertThat(guard.admit(event("k1", MESSAGE))).as("bound by the MESSAGE").isTrue();
        assertThat(registry.socket("k1")).as("no socket before its OPEN").isNull();
        final CompletableFuture<SocketRegistry.LiveSocket> reply = registry.opened("k1").toCompletableFuture();
        assertThat(reply).isNotDone();

        final ServerWebSocket socket = socket();
        final Exchange open = event("k1", OPEN);
        open.getMessage().setBody(socket);
        assertThat(guard.admit(open)).isTrue();

        assertThat(reply).isDone();
        assertThat(reply.join().socket()).isSameAs(socket);
        assertThat(registry.socket("k1").socket()).isSameAs(socket);
    }

    @Test
    void aCloseBeforeTheOpenFailsWhatWaitsForTheSocket() {
        guard.granted(remote, "alice");
        guard.admit(event("k1", MESSAGE));
        final CompletableFuture<SocketRegistry.LiveSocket> reply = registry.opened("k1").toCompletableFuture();

        guard.admit(event("k1", CLOSE));

        assertThat(reply).isCompletedExceptionally();
        assertThat(registry.opened("k1").toCompletableFuture()).isCompletedExceptionally();
        final Exchange lateOpen = event("k1", OPEN);
        lateOpen.getMessage().setBody(socket());
        assertThat(guard.admit(lateOpen)).isFalse();
        assertThat(registry.socket("k1")).isNull();
    }

    /** A stand-in socket: the registry only holds it (closing a refused one is covered by the route test). */
    private static ServerWebSocket socket() {
        return (ServerWebSocket) Proxy.newProxyInstance(ConnectionGuardTest.class.getClassLoader(), new Class<?>[] {ServerWebSocket.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isClosed" -> false;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "socket";
                    default -> null;
                });
    }

    private Exchange event(final String key, final Object event) {
        final Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(VertxWebsocketConstants.CONNECTION_KEY, key);
        exchange.getMessage().setHeader(VertxWebsocketConstants.EVENT, event);
        exchange.getMessage().setHeader(VertxWebsocketConstants.REMOTE_ADDRESS, remote);
        return exchange;
    }

    private static List<Object> list(final Object... values) {
        return new ArrayList<>(List.of(values));
    }
}
