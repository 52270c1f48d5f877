package io.caravan.wsticket;

import java.util.concurrent.TimeUnit;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import org.apache.camel.Route;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConfiguration;
import org.apache.camel.component.vertx.websocket.VertxWebsocketEndpoint;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route policy of the {@code /ws/events} consumer route: spreads its WebSocket connections over
 * several Vert.x event loops.
 *
 * <p>vertx-websocket starts one {@link io.vertx.core.http.HttpServer} per host:port, and a Vert.x server created outside
 * a Vert.x context runs every connection it accepts on one event loop: all sockets of a gateway on one
 * core, so a broadcast to 1,000 sockets is 1,000 writes one after another on that thread. When the
 * route starts, this policy deploys {@code eventLoops} more servers (verticle instances, each on its own
 * event loop) with the same router and options on the same host:port in the same Vert.x instance; Vert.x
 * then hands accepted connections to all servers in turn (server sharing). The consumer's own server
 * may share an event loop with one of them. Every connection still goes through
 * the same router (ticket handshake first) and the same consumer, so nothing else changes. The extra
 * servers close when the route stops.
 */
public final class EventLoopServers extends RoutePolicySupport {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoopServers.class);

    private int eventLoops;
    private Vertx vertx;
    private String deployment;

    /** Event loops to spread connections over; 0 (default) = the number of available processors. */
    public void setEventLoops(final int eventLoops) {
        if (eventLoops < 0) {
            throw new IllegalArgumentException("eventLoops must be 0 (one per processor) or more, not " + eventLoops);
        }
        this.eventLoops = eventLoops;
    }

    /** Event loops the sockets are spread over (1: the consumer's own server only, nothing deployed). */
    public int servers() {
        return eventLoops == 0 ? Runtime.getRuntime().availableProcessors() : eventLoops;
    }

    @Override
    public void onStart(final Route route) {
        if (!(route.getEndpoint() instanceof VertxWebsocketEndpoint endpoint)) {
            throw new IllegalArgumentException("EventLoopServers belongs on a vertx-websocket consumer route, not on " + route.getEndpoint());
        }
        final VertxWebsocketConfiguration config = endpoint.getConfiguration();
        final Router router = config.getRouter();
        if (router == null) {
            throw new IllegalStateException("route " + route.getRouteId() + ": its endpoint has no router to share");
        }
        final String host = config.getWebsocketURI().getHost();
        final int port = config.getWebsocketURI().getPort();
        LOG.info("{}: WebSocket server on {}:{} uses the {} transport", route.getRouteId(), host, port,
                transport(endpoint.getComponent().getVertx()));
        if (port <= 0) {
            // a second server on "port 0" would get a port of its own, not share the consumer's
            LOG.warn("{}: WebSocket port {} is not fixed; all connections stay on one event loop", route.getRouteId(), port);
            return;
        }
        final Vertx vertx = endpoint.getComponent().getVertx();
        final HttpServerOptions options = config.getServerOptions() == null ? new HttpServerOptions()
                : new HttpServerOptions(config.getServerOptions());
        if (servers() < 2) {
            return;
        }
        synchronized (this) {
            if (deployment != null) {
                return;
            }
            // one verticle instance per server: Vert.x gives each instance its own event-loop context
            // (servers created directly from one thread would all share that thread's one context)
            try {
                deployment = vertx.deployVerticle(() -> new ServerVerticle(router, options, host, port),
                        new DeploymentOptions().setInstances(servers())).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("route " + route.getRouteId() + ": cannot start " + servers()
                        + " WebSocket servers on " + host + ":" + port, e);
            }
            this.vertx = vertx;
        }
        LOG.info("{}: WebSocket connections on {}:{} spread over {} more servers, each on an event loop of its own, besides the consumer's",
                route.getRouteId(), host, port, servers());
    }

    @Override
    public void onStop(final Route route) {
        closeAll();
    }

    @Override
    public void onRemove(final Route route) {
        closeAll();
    }

    /**
     * The I/O transport of {@code vertx}'s event loops, for the start log: "native epoll" (Netty's
     * native transport, preferred by {@code ws-ticket.ws.native-transport}) or "Java NIO", with the
     * reason when a preferred native transport could not be loaded.
     */
    public static String transport(final Vertx vertx) {
        if (vertx.isNativeTransportEnabled()) {
            return "native epoll";
        }
        final Throwable cause = vertx.unavailableNativeTransportCause();
        return cause == null ? "Java NIO" : "Java NIO (native transport unavailable: " + cause + ")";
    }

    /** Whether the extra servers run now. */
    public synchronized boolean running() {
        return deployment != null;
    }

    private synchronized void closeAll() {
        if (deployment != null) {
            try {
                vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("closing the extra WebSocket servers failed: {}", e.toString());
            }
            deployment = null;
        }
    }

    /** One HTTP server on the shared host:port, on this verticle's event loop (closed on undeploy). */
    private static final class ServerVerticle extends AbstractVerticle {
        private final Router router;
        private final HttpServerOptions options;
        private final String host;
        private final int port;

        ServerVerticle(final Router router, final HttpServerOptions options, final String host, final int port) {
            this.router = router;
            this.options = options;
            this.host = host;
            this.port = port;
        }

        @Override
        public void start(final Promise<Void> started) {
            vertx.createHttpServer(new HttpServerOptions(options)).requestHandler(router).listen(port, host)
                    .<Void>mapEmpty().onComplete(started);
        }
    }
}
