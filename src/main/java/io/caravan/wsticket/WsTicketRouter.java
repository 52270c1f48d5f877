package io.caravan.wsticket;

import java.util.Arrays;
import java.util.List;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * The Vert.x pieces of the {@code /ws/events} server, made for the vertx-websocket endpoint's
 * {@code router} and {@code serverOptions} options.
 *
 * <p>The router is created per endpoint ({@code router: "#class:...WsTicketRouter#create(...)"})
 * and deliberately not bound in the Camel registry: vertx-websocket adopts the registry's only
 * {@code Router} for every consumer that names none, which would leak this pre-handler (and this
 * port) into other flows' WebSocket servers. It runs on a small Vert.x instance of its own: the
 * HTTP server itself stays on the vertx-websocket component's Vert.x; this one only carries the
 * router's context (vertx-websocket runs each exchange with {@code executeBlocking} on it).
 */
public final class WsTicketRouter {

    private static Vertx vertx;

    private WsTicketRouter() {
    }

    /** A router whose first handler on {@code path} is {@code handshake}. */
    public static Router create(final TicketHandshakeHandler handshake, final String path, final int workerPoolSize) {
        final Router router = Router.router(vertx(workerPoolSize));
        router.route(path).order(Integer.MIN_VALUE).handler(handshake);
        return router;
    }

    /** Server options that accept the listed WebSocket subprotocols (comma-separated). */
    public static HttpServerOptions serverOptions(final String subprotocols, final int maxWebSocketFrameSize) {
        final List<String> protocols = Arrays.stream(subprotocols.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        return new HttpServerOptions().setWebSocketSubProtocols(protocols).setMaxWebSocketFrameSize(maxWebSocketFrameSize)
                .setMaxWebSocketMessageSize(maxWebSocketFrameSize);
    }

    private static synchronized Vertx vertx(final int workerPoolSize) {
        if (vertx == null) {
            vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(workerPoolSize));
        }
        return vertx;
    }
}
