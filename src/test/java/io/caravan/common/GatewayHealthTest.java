package io.caravan.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The whole gateway against real brokers: status, health (UP, then DOWN with a stopped broker) and metrics. */
@CaravanBootTest
class GatewayHealthTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Test
    void statusListsTheFlowsAndTheirRoutes() throws Exception {
        final HttpResponse<String> response = HttpTestClient.get(url("/api/status"));

        assertThat(response.statusCode()).isEqualTo(200);
        final JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("service").asText()).isEqualTo("caravan");
        assertThat(body.path("flows").path("status").path("status-describe").asText()).isEqualTo("Started");
    }

    @Test
    void healthIsUpWithEveryBrokerNamed() throws Exception {
        final JsonNode health = awaitHealth("UP");

        assertThat(health.path("components").path("redis").path("status").asText()).isEqualTo("UP");
        assertThat(health.path("components").path("rabbit").path("status").asText()).isEqualTo("UP");
        assertThat(health.path("components").path("mqtt").path("status").asText()).isEqualTo("UP");
        assertThat(health.path("components").path("camelHealth").path("status").asText()).isEqualTo("UP");
    }

    @Test
    void stoppingRedisTurnsHealthDownNamingRedis() throws Exception {
        final RealBrokers brokers = RealBrokers.get();
        awaitHealth("UP");
        brokers.stop("redis");
        try {
            final JsonNode down = awaitHealth("DOWN");
            assertThat(down.path("components").path("redis").path("status").asText()).isEqualTo("DOWN");
            assertThat(down.path("components").path("redis").path("details").path("error").asText())
                    .as("the reason is named").isNotBlank();
            assertThat(down.path("components").path("mqtt").path("status").asText()).isEqualTo("UP");
        } finally {
            brokers.start("redis");
        }
        awaitHealth("UP");
    }

    @Test
    void stoppingMosquittoTurnsHealthDownNamingMqtt() throws Exception {
        final RealBrokers brokers = RealBrokers.get();
        awaitHealth("UP");
        brokers.stop("mosquitto");
        try {
            final JsonNode down = awaitHealth("DOWN");
            assertThat(down.path("components").path("mqtt").path("status").asText()).isEqualTo("DOWN");
            assertThat(down.path("components").path("mqtt").path("details").path("error").asText())
                    .contains("127.0.0.1:" + brokers.mqttPort());
        } finally {
            brokers.start("mosquitto");
        }
        awaitHealth("UP");
    }

    @Test
    void prometheusExposesCamelRouteMetrics() {
        HttpTestClient.get(url("/api/status"));

        final HttpResponse<String> response = HttpTestClient.get(url("/actuator/prometheus"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("routeId=\"status-describe\"");
        // the REST call is timed by the route policy, not a second time by Spring MVC's observation
        // (management.observations.enable.http.server.requests=false: ~40 % of an API call's CPU)
        assertThat(response.body()).doesNotContain("http_server_requests_seconds_count{");
    }

    private JsonNode awaitHealth(final String status) throws Exception {
        final JsonNode[] last = new JsonNode[1];
        Awaitility.await("health " + status).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    last[0] = JSON.readTree(HttpTestClient.get(url("/actuator/health")).body());
                    return status.equals(last[0].path("status").asText());
                });
        return last[0];
    }

    private String url(final String path) {
        return "http://127.0.0.1:" + port + path;
    }
}
