package io.caravan.wsticket;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.caravan.common.Problem;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x pre-handler of the {@code /ws/events} WebSocket path: redeems the handshake's ticket
 * (asynchronously, on Redis) before vertx-websocket upgrades the connection. A refused handshake
 * gets an HTTP 401 problem body (503 while Redis is down) and no socket is ever opened; an
 * accepted one is recorded in the {@link ConnectionGuard} and passed on to the upgrade. A plain
 * HTTP request without {@code Upgrade: websocket} is passed on untouched (vertx-websocket answers
 * 400) so that it cannot burn a ticket.
 *
 * <p>It is installed on the {@link Router} that the vertx-websocket endpoint takes as its {@code router}
 * option ({@link #router}), a public option of the component: the router's Vert.x is the runtime's one
 * ({@code wsTicketVertx}), which also runs the route's exchanges on its worker pool.
 */
public final class TicketHandshakeHandler implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(TicketHandshakeHandler.class);

    private final TicketService tickets;
    private final ConnectionGuard guard;
    private final Map<Redemption.Outcome, AtomicLong> outcomes = new EnumMap<>(Redemption.Outcome.class);

    public TicketHandshakeHandler(final TicketService tickets, final ConnectionGuard guard) {
        this.tickets = tickets;
        this.guard = guard;
        for (final Redemption.Outcome outcome : Redemption.Outcome.values()) {
            outcomes.put(outcome, new AtomicLong());
        }
    }

    /**
     * A router on {@code vertx} whose first handler on {@code path} is {@code handshake}, for the endpoint's
     * {@code router} option. vertx-websocket adds its upgrade handler on the same path after it.
     */
    public static Router router(final Vertx vertx, final TicketHandshakeHandler handshake, final String path) {
        final Router router = Router.router(vertx);
        router.route(path).order(Integer.MIN_VALUE).handler(handshake);
        LOG.info("ws-ticket: the WebSocket server of {} runs on the {} transport", path, transport(vertx));
        return router;
    }

    /** Server options that accept the listed WebSocket subprotocols (comma-separated), for the endpoint's {@code serverOptions}. */
    public static HttpServerOptions serverOptions(final String subprotocols, final int maxWebSocketFrameSize) {
        final List<String> protocols = Arrays.stream(subprotocols.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        return new HttpServerOptions().setWebSocketSubProtocols(protocols).setMaxWebSocketFrameSize(maxWebSocketFrameSize)
                .setMaxWebSocketMessageSize(maxWebSocketFrameSize);
    }

    /**
     * The I/O transport of {@code vertx}'s event loops: "native epoll" (preferred by {@code ws-ticket.ws.native-transport})
     * or "Java NIO", with the reason when a preferred native transport could not be loaded.
     */
    public static String transport(final Vertx vertx) {
        if (vertx.isNativeTransportEnabled()) {
            return "native epoll";
        }
        final Throwable cause = vertx.unavailableNativeTransportCause();
        return cause == null ? "Java NIO" : "Java NIO (native transport unavailable: " + cause + ")";
    }

    @Override
    public void handle(final RoutingContext routing) {
        final HttpServerRequest request = routing.request();
        if (!isWebSocketUpgrade(request)) {
            routing.next();
            return;
        }
        final HandshakeTicket found = HandshakeTicket.extract(request.params().getAll(HandshakeTicket.QUERY_PARAMETER),
                request.headers().getAll("Sec-WebSocket-Protocol"));
        if (!found.found()) {
            refuse(routing, found.refusal());
            return;
        }
        final Context context = Vertx.currentContext();
        final SocketAddress remote = request.remoteAddress();
        // set before Redis is asked: a client that hangs up meanwhile must not leave a grant behind
        final AtomicBoolean closed = new AtomicBoolean();
        request.connection().closeHandler(v -> {
            closed.set(true);
            guard.connectionClosed(remote);
        });
        if (!request.isEnded()) {
            request.pause(); // vertx-websocket resumes it after the upgrade
        }
        tickets.redeem(found.ticket(), request.getHeader(HttpHeaders.ORIGIN)).whenComplete((redemption, error) -> {
            final Redemption result = error != null ? Redemption.refused(Redemption.Outcome.STORE_UNAVAILABLE) : redemption;
            final Runnable decide = () -> decide(routing, remote, result, closed, context);
            if (context != null) {
                context.runOnContext(v -> decide.run());
            } else {
                decide.run();
            }
        });
    }

    private void decide(final RoutingContext routing, final SocketAddress remote, final Redemption redemption, final AtomicBoolean closed,
            final Context context) {
        if (closed.get()) {
            return; // the client is gone; its ticket is spent all the same
        }
        if (!redemption.isAccepted()) {
            refuse(routing, redemption.outcome());
            return;
        }
        outcomes.get(Redemption.Outcome.ACCEPTED).incrementAndGet();
        guard.granted(remote, redemption.claims().subject(), context);
        routing.next();
    }

    private void refuse(final RoutingContext routing, final Redemption.Outcome outcome) {
        outcomes.get(outcome).incrementAndGet();
        LOG.debug("ws-ticket handshake from {} refused: {}", routing.request().remoteAddress(), outcome);
        final boolean unavailable = outcome == Redemption.Outcome.STORE_UNAVAILABLE;
        final Problem problem = unavailable
                ? Problem.of(503, "Service Unavailable", "WebSocket tickets cannot be checked right now; retry shortly")
                : Problem.of(401, "Unauthorized", "a valid, unused WebSocket ticket is required (query parameter 'ticket' "
                        + "or Sec-WebSocket-Protocol entry 'ticket.<ticket>')");
        if (routing.response().ended()) {
            return;
        }
        routing.response().setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.CONTENT_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close");
        if (unavailable) {
            routing.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
        } else {
            routing.response().putHeader("WWW-Authenticate", "Ticket");
        }
        routing.response().end(problem.toJson());
    }

    /** How many handshakes ended with each outcome since start (tests, benchmark). */
    public long count(final Redemption.Outcome outcome) {
        return outcomes.get(outcome).get();
    }

    static boolean isWebSocketUpgrade(final HttpServerRequest request) {
        final String upgrade = request.getHeader(HttpHeaders.UPGRADE);
        final String connection = request.getHeader(HttpHeaders.CONNECTION);
        return upgrade != null && "websocket".equalsIgnoreCase(upgrade.trim())
                && connection != null && connection.toLowerCase(java.util.Locale.ROOT).contains("upgrade");
    }
}
