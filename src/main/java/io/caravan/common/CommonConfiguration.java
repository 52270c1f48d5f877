package io.caravan.common;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring Boot wiring shared by all flows (health of the brokers they use). */
@Configuration(proxyBeanMethods = false)
public class CommonConfiguration {

    /** Exposed as the "mqtt" component of /actuator/health. */
    @Bean
    MqttHealthIndicator mqttHealthIndicator(
            @Value("${camel.component.paho-mqtt5.broker-url}") final String brokerUrl,
            @Value("${caravan.health.mqtt.timeout-seconds:2}") final int timeoutSeconds,
            @Value("${caravan.health.mqtt.cache:PT3S}") final Duration cache) {
        return new MqttHealthIndicator(brokerUrl, timeoutSeconds, cache);
    }
}
