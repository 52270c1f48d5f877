package io.caravan.eventsfanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.caravan.common.DeviceOwnership;
import io.caravan.common.FlowLifecycle;
import io.caravan.common.FreePorts;
import io.caravan.common.RealBrokers;
import io.caravan.common.RealBrokersExtension;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * events-fanout's context (with ws-ticket, whose sockets it writes to) started, used and stopped twice in one JVM
 * (camel-main, as camel run runs it): after each stop no thread it started is left (its RabbitMQ connection,
 * the MQTT clients, the runtime's Vert.x, Camel's pools) and no port of it is listening. Device ownership, mqtt-acl's
 * contract, is a plain {@link DeviceOwnership} bean here, so that only these two flows are measured.
 */
@ExtendWith(RealBrokersExtension.class)
class EventsFanoutLifecycleTest {

    /** alice owns meter-1. */
    private static final DeviceOwnership OWNERSHIP = new DeviceOwnership() {
        @Override
        public Set<String> ownersOf(final String deviceId) {
            return "meter-1".equals(deviceId) ? Set.of("lc-alice") : Set.of();
        }

        @Override
        public boolean owns(final String user, final String deviceId) {
            return ownersOf(deviceId).contains(user);
        }
    };

    @Test
    void aStoppedAndRestartedContextLeavesNoThreadsAndNoListeningPorts() throws Exception {
        final RealBrokers brokers = RealBrokers.get();
        final int httpPort = FreePorts.next();
        final int wsPort = FreePorts.next();
        final Map<String, String> props = new HashMap<>(Map.of("camel.server.enabled", "true", "camel.server.host", "127.0.0.1", "camel.server.port", String.valueOf(httpPort),
                "oauth2.issuer.caravan.uri", brokers.oidcIssuer(), "ws-ticket.redis.port", String.valueOf(brokers.redisPort()),
                "ws-ticket.ws.port", String.valueOf(wsPort), "ws-ticket.ws.message-route", "events-fanout-command",
                "events-fanout.rabbitmq.port", String.valueOf(brokers.amqpPort()), "events-fanout.mqtt.broker-url", brokers.mqttUrl()));
        final String httpBase = "http://127.0.0.1:" + httpPort;
        EventClient.token("lc-alice"); // before the snapshot: the test's own token fetch
        final Set<Thread> before = FlowLifecycle.threads();
        // RealBrokersExtension sets ws-ticket.ws.port as a system property, which wins over the overrides: it is the
        // port of the gateway that other test classes of this JVM keep running, so this runtime gets its own
        final String gatewayWsPort = System.setProperty("ws-ticket.ws.port", String.valueOf(wsPort));
        try {
            for (int cycle = 1; cycle <= 2; cycle++) {
                final Main main = FlowLifecycle.start(List.of("ws-ticket", "events-fanout"), props, Map.of("mqttAclRegistry", OWNERSHIP));
                try (Publisher publisher = new Publisher("caravan.events")) {
                    FlowLifecycle.awaitRoutesStarted(main.getCamelContext(), "ws-ticket-issue", "ws-ticket-connect", "events-fanout-consume",
                            "events-fanout-bridge-state", "events-fanout-command");
                    final EventClient tab = EventClient.open(httpBase, "ws://127.0.0.1:" + wsPort, "lc-alice");
                    try {
                        final String key = "users.lc-alice.cycle" + cycle;
                        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                            publisher.publish(key, "{}");
                            assertThat(tab.withKey(key)).isNotEmpty();
                        });
                        tab.send("{\"deviceId\":\"meter-1\",\"command\":\"reboot\"}");
                        await().atMost(Duration.ofSeconds(30)).until(() -> !tab.ofType("command.accepted").isEmpty());
                    } finally {
                        tab.closeBlocking();
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
