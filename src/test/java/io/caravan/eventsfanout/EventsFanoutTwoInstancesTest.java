package io.caravan.eventsfanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.caravan.common.CaravanBootTest;
import io.caravan.common.FreePorts;
import io.caravan.common.JBangFlow;
import io.caravan.common.RealBrokers;
import io.caravan.mqttacl.RedisRegistry;
import org.apache.camel.CamelContext;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Two gateway instances on one RabbitMQ and one Mosquitto: the Spring Boot gateway and the flow
 * (with ws-ticket and mqtt-acl) under Camel JBang. Every client gets every event meant for it
 * exactly once, wherever it is connected; device state is bridged by one instance only (shared
 * subscription), so it too arrives exactly once per tab. Also the JBang check of the flow.
 */
@CaravanBootTest
class EventsFanoutTwoInstancesTest {

    @LocalServerPort
    int httpPort;


    @Autowired
    CamelContext camel;

    @Test
    void everyClientGetsEachEventExactlyOnceAcrossTwoInstances() throws Exception {
        final RealBrokers brokers = RealBrokers.get();
        final int jbangHttp = FreePorts.next();
        final int jbangWs = FreePorts.next();
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final String alice = "ef2-alice-" + run;
        final String bob = "ef2-bob-" + run;
        final String device = "meter-" + run;
        camel.getRegistry().lookupByNameAndType("mqttAclRegistry", RedisRegistry.class).register(device, false, List.of(alice));

        final List<EventClient> clients = new ArrayList<>();
        try (JBangFlow other = FanoutJBang.start(jbangHttp, Map.of(
                "ws-ticket.ws.port", String.valueOf(jbangWs),
                "ws-ticket.redis.port", String.valueOf(brokers.redisPort()),
                "mqtt-acl.redis.uri", "redis://127.0.0.1:" + brokers.redisPort(),
                "mqtt-acl.http.port", String.valueOf(FreePorts.next()),
                "oauth2.issuer.caravan.uri", brokers.oidcIssuer(),
                "events-fanout.rabbitmq.port", String.valueOf(brokers.amqpPort()),
                "events-fanout.mqtt.broker-url", brokers.mqttUrl()));
                Publisher publisher = new Publisher("caravan.events")) {
            final EventClient aliceOnBoot = EventClient.open("http://127.0.0.1:" + httpPort, EventClient.wsBase(camel), alice);
            clients.add(aliceOnBoot);
            final EventClient aliceOnJBang = EventClient.open("http://127.0.0.1:" + jbangHttp, "ws://127.0.0.1:" + jbangWs, alice);
            clients.add(aliceOnJBang);
            final EventClient bobOnJBang = EventClient.open("http://127.0.0.1:" + jbangHttp, "ws://127.0.0.1:" + jbangWs, bob);
            clients.add(bobOnJBang);
            // supervised routes start after "started in" is logged
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(other.log()).contains("events-fanout-consume", "events-fanout-bridge-state"));

            // both instances' queues are bound once they deliver a probe
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                publisher.publish("broadcast.probe", "{}");
                assertThat(aliceOnBoot.withKey("broadcast.probe")).isNotEmpty();
                assertThat(aliceOnJBang.withKey("broadcast.probe")).isNotEmpty();
                assertThat(bobOnJBang.withKey("broadcast.probe")).isNotEmpty();
            });

            final int n = 50;
            for (int i = 0; i < n; i++) {
                publisher.publish("users." + alice + ".seq", "{\"i\":" + i + "}");
                publisher.publish("broadcast.seq", "{\"i\":" + i + "}");
            }
            final MqttClient meter = new MqttClient(brokers.mqttUrl(), "meter-" + run, null);
            meter.connect(new MqttConnectionOptions());
            for (int i = 0; i < 10; i++) {
                meter.publish("devices/" + device + "/state", new MqttMessage(("{\"kwh\":" + i + "}").getBytes(StandardCharsets.UTF_8), 1, false, null));
            }
            meter.disconnect();
            meter.close();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (final EventClient tab : List.of(aliceOnBoot, aliceOnJBang)) {
                    assertThat(tab.withKey("users." + alice + ".seq")).hasSize(n);
                    assertThat(tab.withKey("devices." + device + ".state")).hasSize(10);
                }
                assertThat(bobOnJBang.withKey("broadcast.seq")).hasSize(n);
            });
            final String marker = "broadcast.end" + run;
            publisher.publish(marker, "{}");
            await().atMost(Duration.ofSeconds(15)).until(() -> clients.stream().allMatch(c -> c.withKey(marker).size() == 1));

            for (final EventClient tab : List.of(aliceOnBoot, aliceOnJBang)) {
                assertThat(tab.withKey("users." + alice + ".seq")).extracting(e -> e.path("payload").path("i").asInt())
                        .as("exactly once, in order").containsExactlyElementsOf(java.util.stream.IntStream.range(0, n).boxed().toList());
                assertThat(tab.withKey("broadcast.seq")).hasSize(n);
                assertThat(tab.withKey("devices." + device + ".state")).as("bridged by one instance only").hasSize(10);
            }
            assertThat(bobOnJBang.withKey("users." + alice + ".seq")).isEmpty();
            assertThat(bobOnJBang.withKey("devices." + device + ".state")).isEmpty();
            assertThat(bobOnJBang.withKey("broadcast.seq")).hasSize(n);
        } finally {
            for (final EventClient c : clients) {
                c.closeBlocking();
            }
        }
    }
}
