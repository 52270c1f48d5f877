package io.caravan.wsticket;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What Redis keeps under a ticket's hash: who it was issued to, when, and (optionally) the only
 * Origin that may redeem it. Serialised as {@code {"sub":..,"iat":<epoch ms>,"origin":..}}.
 *
 * @param subject  the authenticated subject the connection will be bound to (never blank)
 * @param issuedAt issue time
 * @param origin   the Origin the ticket is bound to, or {@code null} when unbound
 */
public record TicketClaims(String subject, Instant issuedAt, String origin) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public TicketClaims {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("a ticket needs a subject");
        }
        Objects.requireNonNull(issuedAt, "issuedAt");
        origin = origin == null || origin.isBlank() ? null : origin;
    }

    /** Whether a handshake that sent {@code requestOrigin} may redeem this ticket. */
    public boolean allowsOrigin(final String requestOrigin) {
        return origin == null || origin.equals(requestOrigin);
    }

    public String toJson() {
        final Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("sub", subject);
        fields.put("iat", issuedAt.toEpochMilli());
        if (origin != null) {
            fields.put("origin", origin);
        }
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("ticket claims not serialisable", e);
        }
    }

    /** Parses a stored value; empty when it is not one this flow wrote. */
    public static Optional<TicketClaims> fromJson(final String json) {
        if (json == null) {
            return Optional.empty();
        }
        try {
            final JsonNode node = JSON.readTree(json);
            final JsonNode sub = node.path("sub");
            final JsonNode iat = node.path("iat");
            if (!sub.isTextual() || !iat.canConvertToLong()) {
                return Optional.empty();
            }
            final JsonNode origin = node.path("origin");
            return Optional.of(new TicketClaims(sub.asText(), Instant.ofEpochMilli(iat.asLong()),
                    origin.isTextual() ? origin.asText() : null));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
