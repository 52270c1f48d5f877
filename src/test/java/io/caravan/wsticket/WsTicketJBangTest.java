package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import io.caravan.common.FreePorts;
import io.caravan.common.JBangFlow;
import io.caravan.common.RealBrokers;
import io.caravan.common.RealBrokersExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** routes/ws-ticket/ alone under Camel JBang's runtime (no Spring): issue, connect, replay, against real Redis and OIDC. */
@ExtendWith(RealBrokersExtension.class)
class WsTicketJBangTest {

    @Test
    void wsTicketRunsAloneUnderCamelJBang() throws Exception {
        final RealBrokers brokers = RealBrokers.get();
        final int httpPort = FreePorts.next();
        final int wsPort = FreePorts.next();
        final Map<String, String> props = Map.of("oauth2.issuer.caravan.uri", brokers.oidcIssuer(),
                "ws-ticket.redis.port", String.valueOf(brokers.redisPort()), "ws-ticket.ws.port", String.valueOf(wsPort));
        try (JBangFlow flow = JBangFlow.start("ws-ticket", httpPort, props)) {
            final String base = "http://127.0.0.1:" + httpPort;
            assertThat(TicketClient.post(base, null, null).statusCode()).as(flow.log()).isEqualTo(401);

            final HttpResponse<String> issued = TicketClient.post(base, DevTokens.token("caravan-admin"), null);
            assertThat(issued.statusCode()).as(issued.body() + "\n" + flow.log()).isEqualTo(201);
            final String ticket = TicketClient.json(issued.body()).path("ticket").asText();
            assertThat(TicketClient.json(issued.body()).path("url").asText()).isEqualTo("ws://127.0.0.1:" + wsPort + "/ws/events");

            final WsClient client = WsClient.connect("ws://127.0.0.1:" + wsPort + "/ws/events?ticket=" + ticket
                    + "&CamelVertxWebsocket.sendToAll=true", Map.of());
            try {
                assertThat(client.isOpen()).as("closed: %s\n%s", client.closeReason, flow.log()).isTrue();
                client.send("whoami");
                await().atMost(Duration.ofSeconds(10)).until(() -> !client.messages.isEmpty());
                assertThat(TicketClient.json(client.messages.get(0)).path("subject").asText()).isEqualTo("caravan-admin");
            } finally {
                client.closeBlocking();
            }
            try (RawHandshake replay = RawHandshake.open(wsPort, "/ws/events?ticket=" + ticket)) {
                assertThat(replay.status).isEqualTo(401);
            }
            assertThat(flow.log()).doesNotContain(ticket)
                    .contains("the WebSocket server of /ws/events runs on the native epoll transport");
        }
    }

    @Test
    void withRedisUnreachableTheIssuingRouteAnswers503AndRefusesHandshakes() throws Exception {
        final RealBrokers brokers = RealBrokers.get();
        final int httpPort = FreePorts.next();
        final int wsPort = FreePorts.next();
        // loopback port 1 refuses at once: Redis "down" for this flow only
        final Map<String, String> props = Map.of("oauth2.issuer.caravan.uri", brokers.oidcIssuer(),
                "ws-ticket.redis.port", "1", "ws-ticket.ws.port", String.valueOf(wsPort));
        try (JBangFlow flow = JBangFlow.start("ws-ticket", httpPort, props)) {
            final String base = "http://127.0.0.1:" + httpPort;
            final HttpResponse<String> refused = TicketClient.post(base, DevTokens.token("caravan-admin"), null);
            assertThat(refused.statusCode()).as(refused.body() + "\n" + flow.log()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(TicketClient.json(refused.body()).path("status").asInt()).isEqualTo(503);
            try (RawHandshake handshake = RawHandshake.open(wsPort, "/ws/events?ticket=" + Tickets.newTicket(new java.security.SecureRandom()))) {
                assertThat(handshake.status).isEqualTo(503);
            }
            assertThat(flow.log()).contains("127.0.0.1:1");
        }
    }
}
