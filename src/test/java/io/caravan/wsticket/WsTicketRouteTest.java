package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.common.CaravanBootTest;
import io.caravan.common.HttpTestClient;
import io.caravan.common.RealBrokers;
import io.caravan.common.SocketRegistry;
import io.vertx.core.Vertx;
import org.apache.camel.CamelContext;
import org.apache.camel.component.vertx.websocket.VertxWebsocketEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The ws-ticket flow in the whole gateway: real HTTP, real tokens from the dev issuer, real Redis,
 * real WebSocket clients (Java-WebSocket) and raw RFC 6455 handshakes where the exact HTTP status
 * of a refusal matters. Every ticket the tests see is remembered; no log line of the run may
 * contain one.
 */
@CaravanBootTest
class WsTicketRouteTest {

    private static final Set<String> SEEN_TICKETS = ConcurrentHashMap.newKeySet();
    private static CapturedLogs logs;

    @LocalServerPort
    int httpPort;

    @Value("${ws-ticket.ws.port}")
    int wsPort;

    @Value("${ws-ticket.ws.host}")
    String wsHost;

    @Autowired
    CamelContext camel;

    @Autowired
    StringRedisTemplate redis;

    @BeforeEach
    void captureLogsAndAwaitTheRoutes() {
        logs = CapturedLogs.install(); // after Spring Boot set logging up (it drops earlier appenders)
        // routes are supervised: they start just after the context, not with it
        await().atMost(Duration.ofSeconds(60)).until(() -> camel.getRouteController().getRouteStatus("ws-ticket-issue").isStarted()
                && camel.getRouteController().getRouteStatus("ws-ticket-connect").isStarted());
    }

    @AfterAll
    static void noLogLineContainsATicket() {
        assertThat(SEEN_TICKETS).as("the tests saw tickets").isNotEmpty();
        final List<String> texts = logs.texts();
        assertThat(texts).as("log lines captured").anyMatch(line -> line.contains("ws-ticket handshake from"));
        for (final String ticket : SEEN_TICKETS) {
            assertThat(texts).noneMatch(line -> line.contains(ticket));
        }
    }

    private String base() {
        return "http://127.0.0.1:" + httpPort;
    }

    private String wsUrl(final String query) {
        return "ws://127.0.0.1:" + wsPort + "/ws/events" + (query == null ? "" : "?" + query);
    }

    private ConnectionRegistry registry() {
        return camel.getRegistry().lookupByNameAndType("wsTicketConnections", ConnectionRegistry.class);
    }

    private TicketService service() {
        return camel.getRegistry().lookupByNameAndType("wsTicketService", TicketService.class);
    }

    private String issue(final String clientId, final String origin) {
        final String token = "caravan-admin".equals(clientId) ? DevTokens.token(clientId) : DevTokens.token(clientId, "ws:ticket");
        final String ticket = TicketClient.issue(base(), token, origin);
        SEEN_TICKETS.add(ticket);
        return ticket;
    }

    /** WARN+ lines of the WebSocket consumer and of this flow (Camel's default handler logged one per dropped socket). */
    private static long socketWarnings() {
        return logs.events.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)
                && (e.getLoggerName().contains("vertx.websocket") || e.getLoggerName().startsWith("io.caravan.wsticket"))).count();
    }

    private static String subjectOf(final String whoami) {
        return TicketClient.json(whoami).path("subject").asText();
    }

    @Test
    void issuesATicketThatOpensASocketBoundToTheSubject() throws Exception {
        final HttpResponse<String> response = TicketClient.post(base(), DevTokens.token("caravan-admin"), null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().map()).doesNotContainKey("authorization");
        final JsonNode body = TicketClient.json(response.body());
        final String ticket = body.path("ticket").asText();
        SEEN_TICKETS.add(ticket);
        assertThat(Tickets.wellFormed(ticket)).isTrue();
        assertThat(body.path("url").asText()).isEqualTo(wsUrl(null));
        assertThat(Instant.parse(body.path("expiresAt").asText())).isBetween(Instant.now().plusSeconds(10), Instant.now().plusSeconds(21));

        final String key = "ws-ticket:t:" + Tickets.sha256Hex(ticket);
        assertThat(redis.opsForValue().get(key)).contains("\"sub\":\"caravan-admin\"").doesNotContain(ticket);
        assertThat(redis.getExpire(key)).isBetween(1L, 20L);
        assertThat(redis.keys("*" + ticket + "*")).isEmpty();

        final WsClient client = WsClient.connect(wsUrl("ticket=" + ticket), Map.of());
        try {
            assertThat(client.isOpen()).as("closed: %s", client.closeReason).isTrue();
            assertThat(redis.hasKey(key)).as("redeemed with GETDEL").isFalse();
            client.send("whoami");
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.messages.isEmpty());
            assertThat(subjectOf(client.messages.get(0))).isEqualTo("caravan-admin");
            await().atMost(Duration.ofSeconds(10)).until(() -> registry().connectionsOf("caravan-admin").size() == 1);
            final String connectionKey = registry().connectionsOf("caravan-admin").iterator().next();
            assertThat(registry().subjectOf(connectionKey)).hasValue("caravan-admin");
            assertThat(registry().connectionKeysOf("caravan-admin")).isEqualTo(connectionKey);
        } finally {
            client.closeBlocking();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> registry().connectionsOf("caravan-admin").isEmpty());
    }

    @Test
    void anOpenedSocketIsInTheRegistryAndWritableThroughIt() throws Exception {
        final WsClient client = WsClient.connect(wsUrl("ticket=" + issue("writable-user", null)), Map.of());
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> registry().connectionsOf("writable-user").size() == 1
                    && registry().socket(registry().connectionsOf("writable-user").iterator().next()) != null);
            final String key = registry().connectionsOf("writable-user").iterator().next();
            assertThat(registry().socket(key).eventLoop()).as("the connection's event loop, from the pre-handler").isNotNull();
            assertThat(registry().socket(key).eventLoopThread().getName()).startsWith("vert.x-eventloop-thread");
            final WsClient second = WsClient.connect(wsUrl("ticket=" + issue("writable-user", null)), Map.of());
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> registry().connectionsOf("writable-user").stream()
                        .filter(k -> registry().socket(k) != null).count() == 2);
                final List<SocketRegistry.LiveSocket> both = registry().connectionsOf("writable-user").stream().map(registry()::socket).toList();
                if (both.get(0).eventLoopThread() == both.get(1).eventLoopThread()) {
                    assertThat(both.get(0).eventLoop()).as("one executor per event loop, whatever the request's context").isSameAs(both.get(1).eventLoop());
                }
            } finally {
                second.closeBlocking();
            }
            registry().socket(key).socket().writeTextMessage("{\"type\":\"hello\"}");
            await().atMost(Duration.ofSeconds(10)).until(() -> client.messages.contains("{\"type\":\"hello\"}"));
        } finally {
            client.closeBlocking();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> registry().connectionsOf("writable-user").isEmpty());
    }

    @Test
    void theWebSocketServerRunsOnTheRuntimesOneVertxWithTheNativeEpollTransport() throws Exception {
        final VertxWebsocketEndpoint endpoint = (VertxWebsocketEndpoint) camel.getRoute("ws-ticket-connect").getEndpoint();
        final Vertx runtime = camel.getRegistry().lookupByNameAndType("wsTicketVertx", Vertx.class);
        assertThat(camel.getRegistry().findByType(Vertx.class)).as("one Vert.x in the runtime").containsExactly(runtime);
        assertThat(endpoint.getComponent().getVertx()).as("vertx-websocket adopted the registry's Vert.x").isSameAs(runtime);
        // ws-ticket.ws.native-transport=true reaches the component through the registry's only Vertx, wsTicketVertx
        assertThat(runtime.isNativeTransportEnabled()).as("native transport: %s", runtime.unavailableNativeTransportCause()).isTrue();
        camel.getRouteController().stopRoute("ws-ticket-connect");
        camel.getRouteController().startRoute("ws-ticket-connect");
        aSilentSocketIsBoundWhileOpen("epoll-user");
    }

    /** Opens a socket that never sends a message: it must be bound to {@code subject} (its socket attached) while open, unbound after. */
    private void aSilentSocketIsBoundWhileOpen(final String subject) throws Exception {
        final String ticket = issue(subject, null);
        try (RawHandshake socket = RawHandshake.open(wsPort, "/ws/events?ticket=" + ticket)) {
            assertThat(socket.status).isEqualTo(101);
            await().atMost(Duration.ofSeconds(10)).until(() -> registry().connectionsOf(subject).size() == 1
                    && registry().connectionsOf(subject).stream().allMatch(key -> registry().socket(key) != null));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> registry().connectionsOf(subject).isEmpty());
    }

    @Test
    void afterARouteRestartSocketsAreStillBound() throws Exception {
        camel.getRouteController().stopRoute("ws-ticket-connect");
        camel.getRouteController().startRoute("ws-ticket-connect");

        aSilentSocketIsBoundWhileOpen("restarted-user");
    }

    @Test
    void ticketInASubprotocolEntryOpensTheSocketAndIsNeverEchoed() throws Exception {
        final String ticket = issue("sub-protocol-user", null);

        final WsClient client = WsClient.connect(wsUrl(null), Map.of(), "caravan.events.v1", "ticket." + ticket);
        try {
            assertThat(client.isOpen()).as("closed: %s", client.closeReason).isTrue();
            assertThat(client.selectedProtocol).isEqualTo("caravan.events.v1");
            client.send("whoami");
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.messages.isEmpty());
            assertThat(subjectOf(client.messages.get(0))).isEqualTo("sub-protocol-user");
        } finally {
            client.closeBlocking();
        }
    }

    @Test
    void missingTokenOrScopeGetsNoTicket() {
        assertThat(TicketClient.post(base(), null, null).statusCode()).isEqualTo(401);
        assertThat(TicketClient.post(base(), DevTokens.token("caravan-reader"), null).statusCode()).isEqualTo(403);
        assertThat(TicketClient.post(base(), "not-a-jwt", null).statusCode()).isEqualTo(401);
    }

    @Test
    void replayedTicketIsRefusedBeforeTheUpgrade() throws Exception {
        final String ticket = issue("replay-user", null);
        try (RawHandshake first = RawHandshake.open(wsPort, "/ws/events?ticket=" + ticket)) {
            assertThat(first.status).isEqualTo(101);
            try (RawHandshake replay = RawHandshake.open(wsPort, "/ws/events?ticket=" + ticket)) {
                assertThat(replay.status).isEqualTo(401);
                assertThat(replay.headers.get("content-type")).isEqualTo("application/problem+json");
                assertThat(replay.body).contains("\"status\":401").doesNotContain(ticket);
                assertThat(replay.headers).doesNotContainKey("sec-websocket-accept");
            }
        }
    }

    @Test
    void aSocketDroppedWithoutACloseFrameIsUnboundAndLogsNoWarning() throws Exception {
        final SocketErrorLog socketErrors = camel.getRegistry().lookupByNameAndType("wsTicketSocketErrors", SocketErrorLog.class);
        final long goneBefore = socketErrors.peersGone();
        final long warningsBefore = socketWarnings();
        final String ticket = issue("dropping-user", null);
        try (RawHandshake dropped = RawHandshake.open(wsPort, "/ws/events?ticket=" + ticket)) {
            assertThat(dropped.status).isEqualTo(101);
            await().atMost(Duration.ofSeconds(10)).until(() -> registry().connectionsOf("dropping-user").size() == 1);
        } // TCP close, no WebSocket close frame: a closed tab, a lost network

        await().atMost(Duration.ofSeconds(10)).until(() -> registry().connectionsOf("dropping-user").isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> socketErrors.peersGone() > goneBefore);
        assertThat(socketWarnings()).as("a vanished peer is routine, not a warning").isEqualTo(warningsBefore);
        assertThat(logs.count(Level.DEBUG, "SocketErrorLog", "went away without a close frame")).isPositive();
    }

    @Test
    void expiredTicketIsRefused() throws Exception {
        final String ticket = Tickets.newTicket(new SecureRandom());
        SEEN_TICKETS.add(ticket);
        final String key = service().key(ticket);
        service().store().putIfAbsent(key, new TicketClaims("late-user", Instant.now(), null).toJson(), Duration.ofSeconds(1)).toCompletableFuture().join();
        assertThat(redis.hasKey(key)).isTrue();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> !redis.hasKey(key));

        try (RawHandshake expired = RawHandshake.open(wsPort, "/ws/events?ticket=" + ticket)) {
            assertThat(expired.status).isEqualTo(401);
        }
    }

    @Test
    void originBoundTicketOpensOnlyFromThatOrigin() throws Exception {
        final String stolen = issue("origin-user", "https://app.example");
        try (RawHandshake wrong = RawHandshake.open(wsPort, "/ws/events?ticket=" + stolen, "Origin: https://evil.example")) {
            assertThat(wrong.status).isEqualTo(401);
        }
        try (RawHandshake after = RawHandshake.open(wsPort, "/ws/events?ticket=" + stolen, "Origin: https://app.example")) {
            assertThat(after.status).as("a ticket tried from the wrong Origin is burnt").isEqualTo(401);
        }
        final String ticket = issue("origin-user", "https://app.example");
        try (RawHandshake none = RawHandshake.open(wsPort, "/ws/events?ticket=" + issue("origin-user", "https://app.example"))) {
            assertThat(none.status).as("no Origin header at all").isEqualTo(401);
        }
        final WsClient right = WsClient.connect(wsUrl("ticket=" + ticket), Map.of("Origin", "https://app.example"));
        try {
            assertThat(right.isOpen()).as("closed: %s", right.closeReason).isTrue();
        } finally {
            right.closeBlocking();
        }
    }

    @Test
    void missingGarbageAndOversizedTicketsAreRefused() throws Exception {
        final String valid = issue("garbage-user", null);
        final List<String> queries = List.of("", "?ticket=", "?ticket=abc", "?ticket=" + "!".repeat(43),
                "?ticket=" + valid.substring(1) + "%00", "?ticket=" + "A".repeat(3000), "?ticket=%27%20OR%201%3D1",
                "?ticket=" + valid + "&ticket=" + valid);
        for (final String query : queries) {
            try (RawHandshake refused = RawHandshake.open(wsPort, "/ws/events" + query)) {
                assertThat(refused.status).as("query %.60s", query).isEqualTo(401);
            }
        }
        for (final String protocol : List.of("ticket.", "ticket.x", "ticket." + "B".repeat(4000), "caravan.events.v1",
                "ticket." + valid + ", ticket." + valid)) {
            try (RawHandshake refused = RawHandshake.open(wsPort, "/ws/events", "Sec-WebSocket-Protocol: " + protocol)) {
                assertThat(refused.status).as("protocol %.60s", protocol).isEqualTo(401);
            }
        }
        try (RawHandshake both = RawHandshake.open(wsPort, "/ws/events?ticket=" + valid, "Sec-WebSocket-Protocol: ticket." + valid)) {
            assertThat(both.status).as("two tickets").isEqualTo(401);
        }
        try (RawHandshake stillValid = RawHandshake.open(wsPort, "/ws/events?ticket=" + valid)) {
            assertThat(stillValid.status).as("refusals without a lone well-formed ticket never reach Redis").isEqualTo(101);
        }
    }

    @Test
    void plainGetWithoutUpgradeDoesNotBurnTheTicket() throws Exception {
        final String ticket = issue("plain-get-user", null);
        try (RawHandshake plain = RawHandshake.send(wsPort, "/ws/events?ticket=" + ticket, false)) {
            assertThat(plain.status).isEqualTo(400);
        }
        try (RawHandshake upgrade = RawHandshake.open(wsPort, "/ws/events?ticket=" + ticket)) {
            assertThat(upgrade.status).isEqualTo(101);
        }
    }

    @Test
    void manyConcurrentHandshakesWithOneTicketOpenExactlyOneSocketEveryTime() throws Exception {
        final int rounds = 30;
        final int contenders = 12;
        final ExecutorService pool = Executors.newFixedThreadPool(contenders);
        try {
            for (int round = 0; round < rounds; round++) {
                final String ticket = issue("race-user", null);
                final CountDownLatch go = new CountDownLatch(1);
                final List<Future<RawHandshake>> attempts = new ArrayList<>();
                for (int i = 0; i < contenders; i++) {
                    final Callable<RawHandshake> attempt = () -> {
                        go.await();
                        return RawHandshake.open(wsPort, "/ws/events?ticket=" + ticket);
                    };
                    attempts.add(pool.submit(attempt));
                }
                go.countDown();
                int opened = 0;
                int refused = 0;
                for (final Future<RawHandshake> attempt : attempts) {
                    try (RawHandshake handshake = attempt.get(30, TimeUnit.SECONDS)) {
                        if (handshake.status == 101) {
                            opened++;
                        } else if (handshake.status == 401) {
                            refused++;
                        }
                    }
                }
                assertThat(opened).as("round %d: sockets opened", round).isEqualTo(1);
                assertThat(refused).as("round %d: refused", round).isEqualTo(contenders - 1);
            }
        } finally {
            pool.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> registry().connectionsOf("race-user").isEmpty());
    }

    @Test
    void aMessageSentTheMomentTheSocketOpensIsAnsweredForItsOwnSubject() throws Exception {
        for (int i = 0; i < 15; i++) {
            final String subject = "eager-user-" + i;
            final WsClient client = WsClient.connect(wsUrl("ticket=" + issue(subject, null)), Map.of());
            try {
                client.send("whoami"); // races the OPEN exchange: vertx-websocket runs them unordered
                await().atMost(Duration.ofSeconds(10)).until(() -> !client.messages.isEmpty());
                assertThat(subjectOf(client.messages.get(0))).isEqualTo(subject);
            } finally {
                client.closeBlocking();
            }
        }
    }

    @Test
    void camelHeadersInTheQueryCannotRedirectOrBroadcastAnswers() throws Exception {
        final WsClient victim = WsClient.connect(wsUrl("ticket=" + issue("caravan-admin", null)), Map.of());
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> registry().connectionsOf("caravan-admin").size() == 1);
            final String victimKey = registry().connectionsOf("caravan-admin").iterator().next();

            final String hijack = "ticket=" + issue("intruder", null) + "&CamelVertxWebsocket.sendToAll=true"
                    + "&CamelVertxWebsocket.connectionKey=" + victimKey + "&CamelVertxWebsocket.event=CLOSE"
                    + "&CamelVertxWebsocket.remoteAddress=127.0.0.1:1&wsTicketSubject=caravan-admin"
                    + "&CaravanPrincipalSubject=caravan-admin";
            final WsClient intruder = WsClient.connect(wsUrl(hijack), Map.of());
            try {
                assertThat(intruder.isOpen()).as("closed: %s", intruder.closeReason).isTrue();
                for (int i = 0; i < 5; i++) {
                    intruder.send("whoami");
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> intruder.messages.size() == 5);
                assertThat(intruder.messages).allSatisfy(m -> assertThat(subjectOf(m)).isEqualTo("intruder"));
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> victim.messages.isEmpty());
                assertThat(registry().subjectOf(victimKey)).hasValue("caravan-admin");
                assertThat(registry().connectionsOf("intruder")).hasSize(1).doesNotContain(victimKey);
            } finally {
                intruder.closeBlocking();
            }
            victim.send("whoami");
            await().atMost(Duration.ofSeconds(10)).until(() -> victim.messages.size() == 1);
            assertThat(subjectOf(victim.messages.get(0))).isEqualTo("caravan-admin");
        } finally {
            victim.closeBlocking();
        }
    }

    @Test
    void redisDownAnswers503RefusesHandshakesLogsOnceAndTurnsHealthDown() throws Exception {
        final RealBrokers brokers = RealBrokers.get();
        final String token = DevTokens.token("caravan-admin");
        final String issuedBefore = issue("caravan-admin", null);
        final long warningsBefore = logs.count(Level.WARN, "OutageLog", "is unreachable");
        brokers.stop("redis");
        try {
            for (int i = 0; i < 3; i++) {
                final HttpResponse<String> refused = TicketClient.post(base(), token, null);
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(TicketClient.json(refused.body()).path("status").asInt()).isEqualTo(503);
                try (RawHandshake closed = RawHandshake.open(wsPort, "/ws/events?ticket=" + issuedBefore)) {
                    assertThat(closed.status).as("fails closed").isEqualTo(503);
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> healthOfWsTicket().contains("DOWN"));
            assertThat(logs.count(Level.WARN, "OutageLog", "is unreachable") - warningsBefore).as("one line per outage").isEqualTo(1);
        } finally {
            brokers.start("redis");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> TicketClient.post(base(), token, null).statusCode() == 201);
        // recovered: the check reports UP (or, once healthy, is no longer listed among the details)
        await().atMost(Duration.ofSeconds(30)).until(() -> !healthOfWsTicket().contains("DOWN"));
        assertThat(logs.count(Level.WARN, "OutageLog", "is unreachable") - warningsBefore).isEqualTo(1);
        assertThat(logs.count(Level.INFO, "OutageLog", "is reachable again")).isGreaterThanOrEqualTo(1);
    }

    /** The ws-ticket-redis check as /actuator/health shows it (inside camelHealth). */
    private String healthOfWsTicket() {
        final HttpResponse<String> health = HttpTestClient.send(HttpRequest.newBuilder(URI.create(base() + "/actuator/health"))
                .timeout(Duration.ofSeconds(20)).GET().build());
        final JsonNode details = TicketClient.json(health.body()).path("components").path("camelHealth").path("details");
        final JsonNode check = details.path("ws-ticket-redis");
        LoggerFactory.getLogger(WsTicketRouteTest.class).info("health: camelHealth details {}", details);
        return check.isMissingNode() ? "absent" : check.toString();
    }
}
