package io.caravan.eventsfanout;

import java.util.Optional;

/** The device bridge's topic mapping: MQTT {@code devices/<id>/state} → AMQP {@code devices.<id>.state}. */
public final class DeviceTopics {

    private DeviceTopics() {
    }

    /**
     * The AMQP routing key of a device state message received on {@code mqttTopic} (the concrete
     * topic, not the subscription filter); empty when the topic is not {@code devices/<id>/state}
     * with a valid id.
     */
    public static Optional<String> stateRoutingKey(final String mqttTopic) {
        if (mqttTopic == null || mqttTopic.length() <= "devices//state".length() || !mqttTopic.startsWith("devices/") || !mqttTopic.endsWith("/state")) {
            return Optional.empty();
        }
        final String id = mqttTopic.substring("devices/".length(), mqttTopic.length() - "/state".length());
        if (!DeviceCommand.isValidDeviceId(id)) {
            return Optional.empty();
        }
        return Optional.of(RoutingKey.ofDevice(id, "state"));
    }
}
