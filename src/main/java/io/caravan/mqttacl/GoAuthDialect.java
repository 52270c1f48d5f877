package io.caravan.mqttacl;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * iegomez/mosquitto-go-auth's HTTP backend: JSON ({@code {"username","password","clientid"}},
 * {@code {"username"}}, {@code {"username","clientid","topic","acc"}}) or, with
 * {@code http_params_mode form}, the same names form-encoded. The answer depends on
 * {@code http_response_mode}: status (2xx), text (body {@code ok}) or json ({@code {"ok":true,"error":""}}).
 */
public final class GoAuthDialect {

    public enum ResponseMode { STATUS, TEXT, JSON }

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final ResponseMode mode;

    public GoAuthDialect(final String responseMode) {
        this.mode = ResponseMode.valueOf(responseMode.trim().toUpperCase(java.util.Locale.ROOT));
    }

    public ResponseMode mode() {
        return mode;
    }

    /** Parses a body by its Content-Type (JSON unless form-encoded); IllegalArgumentException when malformed. */
    public CallbackRequest parse(final byte[] body, final String contentType) {
        final String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
        if (type.startsWith("application/x-www-form-urlencoded")) {
            final Map<String, String> f = FormBodies.parse(FormBodies.utf8(body));
            return require(new CallbackRequest(f.get("username"), f.get("password"), f.get("clientid"), f.get("topic"), f.get("acc")));
        }
        if (!type.isEmpty() && !type.startsWith("application/json")) {
            throw new IllegalArgumentException("unsupported content type " + contentType);
        }
        final JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("body is not JSON", e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("body is not a JSON object");
        }
        final JsonNode acc = node.get("acc");
        if (acc != null && !acc.isIntegralNumber()) {
            throw new IllegalArgumentException("acc must be an integer");
        }
        return require(new CallbackRequest(text(node, "username"), text(node, "password"), text(node, "clientid"),
                text(node, "topic"), acc == null ? null : acc.asText()));
    }

    private static CallbackRequest require(final CallbackRequest r) {
        if (r.username() == null || r.username().isEmpty()) {
            throw new IllegalArgumentException("username missing");
        }
        return r;
    }

    private static String text(final JsonNode node, final String field) {
        final JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return v.asText();
    }

    /** The body for a decision in this response mode (status mode: empty). */
    public String body(final boolean allowed) {
        return switch (mode) {
            case STATUS -> "";
            case TEXT -> allowed ? "ok" : "denied";
            case JSON -> allowed ? "{\"ok\":true,\"error\":\"\"}" : "{\"ok\":false,\"error\":\"denied\"}";
        };
    }

    public String contentType() {
        return switch (mode) {
            case STATUS, TEXT -> "text/plain";
            case JSON -> "application/json";
        };
    }
}
