package io.caravan.eventsfanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import io.caravan.common.CaravanBootTest;
import io.caravan.common.RealBrokers;
import io.caravan.wsticket.ConnectionRegistry;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * RabbitMQ restarts mid-stream: the sockets stay open, the consumer reconnects by itself (its
 * exclusive queue and bindings are declared again on the new connection) and delivery resumes.
 * Events published while no queue exists are lost: live events are at most once.
 */
@CaravanBootTest
class EventsFanoutRabbitRestartTest {

    @LocalServerPort
    int httpPort;


    @Autowired
    CamelContext camel;

    @Test
    void socketsStayOpenAndDeliveryResumesAfterARabbitMqRestart() throws Exception {
        final String user = "ef-restart-" + UUID.randomUUID().toString().substring(0, 8);
        final EventClient tab = EventClient.open("http://127.0.0.1:" + httpPort, EventClient.wsBase(camel), user);
        try (Publisher publisher = new Publisher("caravan.events")) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                publisher.publish("users." + user + ".before", "{}");
                assertThat(tab.withKey("users." + user + ".before")).isNotEmpty();
            });

            RealBrokers.get().stop("rabbitmq");
            publisher.close();
            assertThat(tab.isOpen()).as("socket open while RabbitMQ is down").isTrue();
            assertThat(camel.getRegistry().lookupByNameAndType("wsTicketConnections", ConnectionRegistry.class).connectionsOf(user)).hasSize(1);
            RealBrokers.get().start("rabbitmq");

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                publisher.publish("users." + user + ".after", "{\"probe\":true}");
                assertThat(tab.withKey("users." + user + ".after")).isNotEmpty();
            });
            for (int i = 0; i < 20; i++) {
                publisher.publish("users." + user + ".resumed", "{\"i\":" + i + "}");
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> tab.withKey("users." + user + ".resumed").size() == 20);
            assertThat(tab.withKey("users." + user + ".resumed")).extracting(n -> n.path("payload").path("i").asInt()).isSorted();
            assertThat(tab.isOpen()).isTrue();
            assertThat(tab.closeCode).as("never closed").isEqualTo(-1);
        } finally {
            tab.closeBlocking();
        }
    }
}
