package io.caravan.mqttacl;

import java.util.Arrays;
import java.util.List;

/**
 * ACL rules as topic-filter templates per identity kind. Placeholders: {@code %u} the MQTT username,
 * {@code %c} the client id, {@code %s} the subject (device id, user, service), {@code %d} each
 * device the user owns. "read" grants cover delivery (acc 1) and subscription (acc 4); "write"
 * grants cover publishing (acc 2).
 */
public record AclTemplates(List<String> deviceWrite, List<String> deviceRead, List<String> userWrite,
        List<String> userRead, List<String> serviceWrite, List<String> serviceRead) {

    public static final AclTemplates DEFAULTS = new AclTemplates(
            List.of("devices/%u/state", "devices/%u/events/#"),
            List.of("devices/%u/commands/#", "devices/%u/firmware", "firmware/#"),
            List.of("devices/%d/commands/#"),
            List.of("devices/%d/state", "devices/%d/events/#"),
            List.of("devices/+/commands/#"),
            List.of("devices/+/state", "devices/+/events/#"));

    public AclTemplates {
        deviceWrite = List.copyOf(deviceWrite);
        deviceRead = List.copyOf(deviceRead);
        userWrite = List.copyOf(userWrite);
        userRead = List.copyOf(userRead);
        serviceWrite = List.copyOf(serviceWrite);
        serviceRead = List.copyOf(serviceRead);
    }

    /** From comma-separated property values (blank = no grant). */
    public static AclTemplates of(final String deviceWrite, final String deviceRead, final String userWrite,
            final String userRead, final String serviceWrite, final String serviceRead) {
        return new AclTemplates(list(deviceWrite), list(deviceRead), list(userWrite), list(userRead),
                list(serviceWrite), list(serviceRead));
    }

    static List<String> list(final String csv) {
        if (csv == null || csv.isBlank()) {
            return List.of();
        }
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
