package io.caravan.eventsfanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.caravan.common.FreePorts;
import io.caravan.common.JBangFlow;
import io.caravan.common.RealBrokers;
import io.caravan.common.RealBrokersExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The close-with-1013 slow-client policy end to end: the flow (with ws-ticket and mqtt-acl) under
 * Camel JBang with {@code events-fanout.socket.slow-client-policy=close}, real
 * RabbitMQ, real ticketed WebSocket clients. A client that stops reading fills its TCP window, the
 * kernel buffers, its in-flight window and then its buffer; the flow closes it with 1013 (Try Again
 * Later) while a client that keeps reading gets every event. ({@link OutboxTest} checks the policy
 * bean by bean; this checks it over the real socket.)
 */
@ExtendWith(RealBrokersExtension.class)
class EventsFanoutSlowClientCloseTest {

    @Test
    void aClientThatStopsReadingIsClosedWith1013WhileTheOthersGetEveryEvent() throws Exception {
        final RealBrokers brokers = RealBrokers.get();
        final int http = FreePorts.next();
        final int ws = FreePorts.next();
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final List<EventClient> clients = new ArrayList<>();
        try (JBangFlow flow = FanoutJBang.start(http, Map.of(
                "ws-ticket.ws.port", String.valueOf(ws),
                "ws-ticket.redis.port", String.valueOf(brokers.redisPort()),
                "mqtt-acl.redis.uri", "redis://127.0.0.1:" + brokers.redisPort(),
                "mqtt-acl.http.port", String.valueOf(FreePorts.next()),
                "oauth2.issuer.caravan.uri", brokers.oidcIssuer(),
                "events-fanout.rabbitmq.port", String.valueOf(brokers.amqpPort()),
                "events-fanout.mqtt.broker-url", brokers.mqttUrl(),
                // the default buffer (256 events + 32 in flight): a client that reads keeps up with the burst below
                "events-fanout.socket.slow-client-policy", "close"));
                Publisher publisher = new Publisher("caravan.events")) {
            final String httpBase = "http://127.0.0.1:" + http;
            final String wsBase = "ws://127.0.0.1:" + ws;
            final EventClient slow = EventClient.open(httpBase, wsBase, "efc-slow-" + run);
            clients.add(slow);
            final EventClient fast = EventClient.open(httpBase, wsBase, "efc-fast-" + run);
            clients.add(fast);
            // the supervised consumer starts after "started in": wait until a probe reaches both
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                publisher.publish("broadcast.probe", "{}");
                assertThat(fast.withKey("broadcast.probe")).isNotEmpty();
                assertThat(slow.withKey("broadcast.probe")).isNotEmpty();
            });

            slow.stall();
            // 2,000 x 16 KiB = 32 MiB: far more than the loopback socket buffers plus 288 queued frames hold
            final String padding = "x".repeat(16 * 1024);
            final int events = 2000;
            for (int i = 0; i < events; i++) {
                publisher.publish("broadcast.tick", "{\"i\":" + i + ",\"pad\":\"" + padding + "\"}");
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> fast.withKey("broadcast.tick").size() == events);
            await().atMost(Duration.ofSeconds(30)).until(() -> flow.log().contains("closed a slow WebSocket client (1013)"));
            // the close frame waits behind the bytes the stalled client has not read yet: read them now
            slow.resume();
            await().atMost(Duration.ofSeconds(30)).until(() -> slow.closeCode != -1);

            assertThat(slow.closeCode).as("close code the stalled client got").isEqualTo(Outbox.TRY_AGAIN_LATER);
            assertThat(slow.withKey("broadcast.tick")).as("the stalled client missed events").hasSizeLessThan(events);
            assertThat(fast.isOpen()).isTrue();
            assertThat(fast.closeCode).as("the reading client was not closed").isEqualTo(-1);
            assertThat(fast.withKey("broadcast.tick")).extracting(n -> n.path("payload").path("i").asInt())
                    .as("the reading client got every event, in order").containsExactlyElementsOf(java.util.stream.IntStream.range(0, events).boxed().toList());

            // the flow goes on serving the open client
            publisher.publish("broadcast.after", "{}");
            await().atMost(Duration.ofSeconds(15)).until(() -> fast.withKey("broadcast.after").size() == 1);
        } finally {
            for (final EventClient c : clients) {
                c.resume();
                c.closeBlocking();
            }
        }
    }
}
