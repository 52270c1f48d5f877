package io.caravan.common;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Actuator health of the MQTT broker: a real MQTT 5 CONNECT/DISCONNECT with a short timeout.
 * The result is kept for a few seconds so that a busy health endpoint does not flood the broker.
 */
public final class MqttHealthIndicator extends AbstractHealthIndicator {

    private final String brokerUrl;
    private final int timeoutSeconds;
    private final Duration cacheFor;
    private volatile Health last;
    private volatile Instant lastAt = Instant.EPOCH;

    public MqttHealthIndicator(final String brokerUrl, final int timeoutSeconds, final Duration cacheFor) {
        super("MQTT broker check failed");
        this.brokerUrl = brokerUrl;
        this.timeoutSeconds = timeoutSeconds;
        this.cacheFor = cacheFor;
    }

    @Override
    protected void doHealthCheck(final Health.Builder builder) {
        final Health cached = last;
        if (cached != null && Instant.now().isBefore(lastAt.plus(cacheFor))) {
            builder.status(cached.getStatus()).withDetails(cached.getDetails());
            return;
        }
        final Health fresh = probe();
        last = fresh;
        lastAt = Instant.now();
        builder.status(fresh.getStatus()).withDetails(fresh.getDetails());
    }

    private Health probe() {
        final String clientId = "caravan-health-" + UUID.randomUUID().toString().substring(0, 8);
        MqttClient client = null;
        try {
            client = new MqttClient(brokerUrl, clientId, new MemoryPersistence());
            final MqttConnectionOptions options = new MqttConnectionOptions();
            options.setConnectionTimeout(timeoutSeconds);
            options.setCleanStart(true);
            options.setAutomaticReconnect(false);
            client.connect(options);
            client.disconnect();
            return Health.up().withDetail("broker", brokerUrl).build();
        } catch (MqttException e) {
            return Health.down().withDetail("broker", brokerUrl)
                    .withDetail("error", "cannot connect to MQTT broker " + brokerUrl + ": " + e.getMessage())
                    .build();
        } finally {
            closeQuietly(client);
        }
    }

    private static void closeQuietly(final MqttClient client) {
        if (client == null) {
            return;
        }
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // the probe's outcome is already decided; a failing close changes nothing
        }
    }
}
