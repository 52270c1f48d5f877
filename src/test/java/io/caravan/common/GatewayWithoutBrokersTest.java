package io.caravan.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.CaravanApplication;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every flow's routes start even when no broker is reachable: the gateway neither hangs nor dies
 * (routes are supervised and retried), answers on its API, and health says DOWN naming each broker.
 * Port 1 on loopback refuses at once.
 */
@CamelSpringBootTest
@SpringBootTest(classes = CaravanApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.data.redis.port=1",
        "spring.rabbitmq.port=1",
        "camel.component.paho-mqtt5.broker-url=tcp://127.0.0.1:1",
        "oauth2.issuer.caravan.uri=http://127.0.0.1:1/caravan"})
class GatewayWithoutBrokersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    org.apache.camel.CamelContext camel;

    @Test
    void routesAreSupervised() {
        assertThat(camel.getRouteController()).isInstanceOf(org.apache.camel.spi.SupervisingRouteController.class);
    }

    @Test
    void startsAnswersAndReportsEachBrokerDown() throws Exception {
        final HttpResponse<String> status = HttpTestClient.get("http://127.0.0.1:" + port + "/api/status");
        assertThat(status.statusCode()).isEqualTo(200);

        final HttpResponse<String> health = HttpTestClient.get("http://127.0.0.1:" + port + "/actuator/health");
        assertThat(health.statusCode()).isEqualTo(503);
        final JsonNode components = JSON.readTree(health.body()).path("components");
        assertThat(components.path("redis").path("status").asText()).isEqualTo("DOWN");
        assertThat(components.path("rabbit").path("status").asText()).isEqualTo("DOWN");
        assertThat(components.path("mqtt").path("status").asText()).isEqualTo("DOWN");
    }
}
