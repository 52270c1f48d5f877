package io.caravan.common;

import java.time.Duration;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.SupervisingRouteController;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring Boot wiring shared by all flows (route supervision, health of the brokers they use). */
@Configuration(proxyBeanMethods = false)
public class CommonConfiguration {

    /**
     * Camel Spring Boot 4.17 builds the SupervisingRouteController bean from camel.routecontroller.*
     * but leaves the context on its default controller (seen here: a route whose MQTT consumer
     * could not connect failed the whole start). Installing the bean ourselves makes a broker that
     * is down at start a retried route instead of a dead gateway.
     */
    @Bean
    CamelContextConfiguration caravanSupervisedRoutes(final ObjectProvider<SupervisingRouteController> supervising) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(final CamelContext context) {
                final SupervisingRouteController controller = supervising.getIfAvailable();
                if (controller != null && !(context.getRouteController() instanceof SupervisingRouteController)) {
                    controller.setCamelContext(context);
                    context.setRouteController(controller);
                }
            }

            @Override
            public void afterApplicationStart(final CamelContext context) {
                // nothing to do once started
            }
        };
    }

    /** Exposed as the "mqtt" component of /actuator/health. */
    @Bean
    MqttHealthIndicator mqttHealthIndicator(
            @Value("${camel.component.paho-mqtt5.broker-url}") final String brokerUrl,
            @Value("${caravan.health.mqtt.timeout-seconds:2}") final int timeoutSeconds,
            @Value("${caravan.health.mqtt.cache:PT3S}") final Duration cache) {
        return new MqttHealthIndicator(brokerUrl, timeoutSeconds, cache);
    }
}
