package io.caravan.wsticket;

import java.lang.reflect.Method;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.component.vertx.websocket.VertxWebsocketComponent;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHost;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHostKey;

/**
 * The vertx-websocket server ("host") that serves a host:port. The component keeps its hosts in a
 * registry behind a protected accessor, read here reflectively; the ws-ticket flow binds sockets as
 * the host adds them ({@link UpgradeBinding}) and the fan-out flow finds sockets by connection key.
 */
public final class WebSocketHosts {

    private WebSocketHosts() {
    }

    /** The started host of {@code host:port} in {@code camelContext}'s vertx-websocket component, or null. */
    public static VertxWebsocketHost find(final CamelContext camelContext, final String host, final int port) {
        final VertxWebsocketComponent component = camelContext.getComponent("vertx-websocket", VertxWebsocketComponent.class);
        if (component == null) {
            return null;
        }
        try {
            final Method registry = VertxWebsocketComponent.class.getDeclaredMethod("getVertxHostRegistry");
            registry.setAccessible(true);
            @SuppressWarnings("unchecked")
            final Map<VertxWebsocketHostKey, VertxWebsocketHost> hosts = (Map<VertxWebsocketHostKey, VertxWebsocketHost>) registry.invoke(component);
            VertxWebsocketHost found = null;
            for (final Map.Entry<VertxWebsocketHostKey, VertxWebsocketHost> e : hosts.entrySet()) {
                if (e.getKey().getPort() == port && e.getKey().getHost().equals(host)) {
                    found = e.getValue();
                }
            }
            return found;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read the vertx-websocket hosts of " + host + ":" + port, e);
        }
    }
}
