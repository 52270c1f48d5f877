package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.caravan.common.FlowLifecycle;
import io.caravan.common.FreePorts;
import io.caravan.common.RealBrokers;
import io.caravan.common.RealBrokersExtension;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ws-ticket's context started, used and stopped twice in one JVM (camel-main, as camel run runs it): after each
 * stop no thread it started is left (its Vert.x, Lettuce, Camel's pools) and neither of its ports is listening.
 */
@ExtendWith(RealBrokersExtension.class)
class WsTicketLifecycleTest {

    @Test
    void aStoppedAndRestartedContextLeavesNoThreadsAndNoListeningPorts() throws Exception {
        final RealBrokers brokers = RealBrokers.get();
        final int httpPort = FreePorts.next();
        final int wsPort = FreePorts.next();
        final Map<String, String> props = Map.of("camel.server.enabled", "true", "camel.server.host", "127.0.0.1", "camel.server.port", String.valueOf(httpPort),
                "oauth2.issuer.caravan.uri", brokers.oidcIssuer(), "ws-ticket.redis.port", String.valueOf(brokers.redisPort()),
                "ws-ticket.ws.port", String.valueOf(wsPort));
        final String base = "http://127.0.0.1:" + httpPort;
        final String token = DevTokens.token("caravan-admin"); // before the snapshot: the test's own key material
        final Set<Thread> before = FlowLifecycle.threads();
        // RealBrokersExtension sets ws-ticket.ws.port as a system property, which wins over the overrides: it is the
        // port of the gateway that other test classes of this JVM keep running, so this runtime gets its own
        final String gatewayWsPort = System.setProperty("ws-ticket.ws.port", String.valueOf(wsPort));
        try {
            for (int cycle = 1; cycle <= 2; cycle++) {
                final Main main = FlowLifecycle.start(List.of("ws-ticket"), props, Map.of());
                try {
                    FlowLifecycle.awaitRoutesStarted(main.getCamelContext(), "ws-ticket-issue", "ws-ticket-connect");
                    final WsClient client = WsClient.connect("ws://127.0.0.1:" + wsPort + "/ws/events?ticket="
                            + TicketClient.issue(base, token, null), Map.of());
                    try {
                        client.send("whoami");
                        await().atMost(Duration.ofSeconds(10)).until(() -> !client.messages.isEmpty());
                        assertThat(TicketClient.json(client.messages.get(0)).path("subject").asText()).isEqualTo("caravan-admin");
                    } finally {
                        client.closeBlocking();
                    }
                } finally {
                    main.stop();
                }
                FlowLifecycle.assertReleased(before, cycle, httpPort, wsPort);
            }
        } finally {
            if (gatewayWsPort == null) {
                System.clearProperty("ws-ticket.ws.port");
            } else {
                System.setProperty("ws-ticket.ws.port", gatewayWsPort);
            }
        }
    }
}
