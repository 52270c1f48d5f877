package io.caravan.wsticket;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Camel health check "ws-ticket-redis": DOWN while the ticket store does not answer a PING. A
 * readiness check only: a Redis outage must take replicas out of rotation, not restart them.
 * Picked up from the registry by Camel (Spring Boot shows it in /actuator/health as part of
 * camelHealth; camel-main and Camel K in their own health endpoints).
 */
public final class TicketStoreHealthCheck extends AbstractHealthCheck {

    private final TicketStore store;

    public TicketStoreHealthCheck(final TicketStore store) {
        super("ws-ticket", "ws-ticket-redis");
        this.store = store;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(final HealthCheckResultBuilder builder, final Map<String, Object> options) {
        builder.detail("store", store.describe());
        if (store.ping()) {
            builder.up();
        } else {
            builder.message("ws-ticket store unreachable: tickets are not issued and handshakes are refused").down();
        }
    }
}
