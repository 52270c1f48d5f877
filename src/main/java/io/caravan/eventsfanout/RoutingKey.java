package io.caravan.eventsfanout;

import java.util.Objects;
import java.util.Optional;

/**
 * An AMQP routing key of the {@code caravan.events} exchange, read as an audience:
 * {@code users.<userId>.<type>}, {@code devices.<deviceId>.<type>} or {@code broadcast.<type>}.
 * The type is the last segment; the id is everything between the first and the last dot (so an id
 * may itself contain dots). Anything else is not an event this flow delivers.
 */
public record RoutingKey(Kind kind, String id, String type, String raw) {

    /** Who an event is for. */
    public enum Kind { USER, DEVICE, BROADCAST }

    public RoutingKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(raw, "raw");
    }

    /** Parses {@code key}; empty when it is not one of the three shapes (or has an empty segment). */
    public static Optional<RoutingKey> parse(final String key) {
        if (key == null || key.isEmpty() || key.length() > 255) {
            return Optional.empty();
        }
        final int first = key.indexOf('.');
        if (first <= 0 || first == key.length() - 1) {
            return Optional.empty();
        }
        final String head = key.substring(0, first);
        final String rest = key.substring(first + 1);
        if ("broadcast".equals(head)) {
            return rest.indexOf('.') >= 0 ? Optional.empty() : Optional.of(new RoutingKey(Kind.BROADCAST, null, rest, key));
        }
        final Kind kind = switch (head) {
            case "users" -> Kind.USER;
            case "devices" -> Kind.DEVICE;
            default -> null;
        };
        final int last = rest.lastIndexOf('.');
        if (kind == null || last <= 0 || last == rest.length() - 1) {
            return Optional.empty();
        }
        final String id = rest.substring(0, last);
        if (id.startsWith(".") || id.endsWith(".") || id.contains("..")) {
            return Optional.empty();
        }
        return Optional.of(new RoutingKey(kind, id, rest.substring(last + 1), key));
    }

    /** The routing key of a device's event: {@code devices.<deviceId>.<type>}. */
    public static String ofDevice(final String deviceId, final String type) {
        return "devices." + deviceId + "." + type;
    }
}
