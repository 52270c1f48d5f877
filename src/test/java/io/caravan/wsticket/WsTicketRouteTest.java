package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.common.CaravanBootTest;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The ws-ticket flow in the whole gateway: real HTTP, real OIDC tokens, real Redis, real WebSocket clients. */
@CaravanBootTest
class WsTicketRouteTest {

    @LocalServerPort
    int httpPort;

    @Value("${ws-ticket.ws.port}")
    int wsPort;

    @Autowired
    CamelContext camel;

    @Autowired
    StringRedisTemplate redis;

    String base() {
        return "http://127.0.0.1:" + httpPort;
    }

    String wsUrl(final String query) {
        return "ws://127.0.0.1:" + wsPort + "/ws/events" + (query == null ? "" : "?" + query);
    }

    ConnectionRegistry registry() {
        return camel.getRegistry().lookupByNameAndType("wsTicketConnections", ConnectionRegistry.class);
    }

    @Test
    void issuesATicketThatOpensASocketBoundToTheSubject() throws Exception {
        final HttpResponse<String> response = TicketClient.post(base(), DevTokens.token("caravan-admin"), null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        final JsonNode body = TicketClient.json(response.body());
        final String ticket = body.path("ticket").asText();
        assertThat(Tickets.wellFormed(ticket)).isTrue();
        assertThat(body.path("url").asText()).isEqualTo(wsUrl(null));

        final String key = "ws-ticket:t:" + Tickets.sha256Hex(ticket);
        assertThat(redis.opsForValue().get(key)).contains("\"sub\":\"caravan-admin\"").doesNotContain(ticket);
        assertThat(redis.getExpire(key)).isBetween(1L, 20L);

        final WsClient client = WsClient.connect(wsUrl("ticket=" + ticket), Map.of());
        try {
            assertThat(client.isOpen()).as("closed: %s", client.closeReason).isTrue();
            assertThat(redis.hasKey(key)).as("redeemed with GETDEL").isFalse();
            client.send("whoami");
            await().atMost(Duration.ofSeconds(5)).until(() -> !client.messages.isEmpty());
            assertThat(TicketClient.json(client.messages.get(0)).path("subject").asText()).isEqualTo("caravan-admin");
            await().atMost(Duration.ofSeconds(5)).until(() -> registry().connectionsOf("caravan-admin").size() == 1);
        } finally {
            client.closeBlocking();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> registry().connectionsOf("caravan-admin").isEmpty());
    }
}
