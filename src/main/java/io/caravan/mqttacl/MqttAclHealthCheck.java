package io.caravan.mqttacl;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Camel health check "mqtt-acl-redis": DOWN while the registry's Redis does not answer a PING
 * (the callbacks then answer from cache or deny). Picked up from the registry by Camel's health
 * check repository, so it shows under Spring Boot's actuator, Camel JBang and Camel K alike.
 */
public final class MqttAclHealthCheck extends AbstractHealthCheck {

    private final RedisRegistry registry;

    public MqttAclHealthCheck(final RedisRegistry registry) {
        super("mqtt-acl", "mqtt-acl-redis");
        this.registry = registry;
    }

    @Override
    protected void doCall(final HealthCheckResultBuilder builder, final Map<String, Object> options) {
        if (registry.ping()) {
            builder.up();
        } else {
            builder.down().message("Redis of the device registry unreachable: " + registry.lastError());
        }
    }
}
