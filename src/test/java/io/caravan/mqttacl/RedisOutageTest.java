package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.common.CaravanBootTest;
import io.caravan.common.HttpTestClient;
import io.caravan.common.RealBrokers;
import org.apache.camel.CamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Redis down: cached answers still given, everything else denied with 403 (never 5xx), health DOWN, one log line. */
@CaravanBootTest
class RedisOutageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    CamelContext camel;

    @LocalServerPort
    int apiPort;

    private int acl(final int port, final String user, final String topic) {
        return RawHttp.send(port, RawHttp.curlForm("/acl", port, user, "",
                "username=" + user + "&password=&topic=" + topic.replace("/", "%2F") + "&acc=2&clientid=client id not available")).status();
    }

    private JsonNode health() throws Exception {
        return JSON.readTree(HttpTestClient.get("http://127.0.0.1:" + apiPort + "/actuator/health").body());
    }

    @Test
    void failsClosedAndReportsItOnce() throws Exception {
        final RedisRegistry registry = camel.getRegistry().lookupByNameAndType("mqttAclRegistry", RedisRegistry.class);
        final int port = RawHttp.callbackPort(camel);
        registry.unregister("o1");
        registry.register("o1", true, List.of());
        assertThat(acl(port, "o1", "devices/o1/state")).isEqualTo(200); // now cached
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        final Logger logger = (Logger) LoggerFactory.getLogger(RedisRegistry.class);
        logger.addAppender(log);
        final RealBrokers brokers = RealBrokers.get();
        brokers.stop("redis");
        try {
            for (int i = 0; i < 50; i++) {
                assertThat(acl(port, "o1", "devices/o1/state")).as("cached").isEqualTo(200);
                assertThat(acl(port, "never-seen-" + i, "devices/never-seen-" + i + "/state")).as("not cached").isEqualTo(403);
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> "DOWN".equals(health().path("components").path("camelHealth").path("status").asText()));
            assertThat(health().path("components").path("camelHealth").toString()).contains("mqtt-acl-redis");
            assertThat(log.list).filteredOn(e -> e.getLevel().toString().equals("WARN")).hasSize(1);
        } finally {
            brokers.start("redis");
            logger.detachAppender(log);
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> "UP".equals(health().path("components").path("camelHealth").path("status").asText()));
    }
}
