package io.caravan.mqttacl;

import java.util.Objects;

/**
 * Who a MQTT username stands for. {@code subject} is the device id (DEVICE), the person's subject
 * (USER: the username is then their MQTT token), the OAuth2 client (SERVICE) or the username.
 */
public record Identity(Kind kind, String username, String subject) {

    public enum Kind { SUPERUSER, DEVICE, USER, SERVICE }

    public Identity {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(subject, "subject");
    }

    public static Identity superuser(final String name) {
        return new Identity(Kind.SUPERUSER, name, name);
    }

    public static Identity device(final String deviceId) {
        return new Identity(Kind.DEVICE, deviceId, deviceId);
    }

    public static Identity user(final String token, final String subject) {
        return new Identity(Kind.USER, token, subject);
    }

    public static Identity service(final String username) {
        return new Identity(Kind.SERVICE, username, username);
    }
}
