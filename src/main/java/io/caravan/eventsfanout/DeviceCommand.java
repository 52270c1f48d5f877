package io.caravan.eventsfanout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A command a browser sends over its WebSocket: {@code {"deviceId":"d1","command":...}}. The command
 * is published as the MQTT payload: a JSON string as its text, any other JSON value as JSON.
 */
public record DeviceCommand(String deviceId, byte[] payload) {

    /** Largest accepted client message (bytes of UTF-8). */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024;
    private static final int MAX_DEVICE_ID = 128;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The MQTT topic the command goes to: {@code devices/<id>/commands}. */
    public String topic() {
        return "devices/" + deviceId + "/commands";
    }

    /**
     * Whether a client message is meant as a device command (a JSON object with a
     * {@code deviceId} or {@code command} member); other messages (e.g. ws-ticket's "whoami") are
     * left to the WebSocket flow's own handling.
     */
    public static boolean looksLikeCommand(final String message) {
        if (message == null || message.length() > MAX_MESSAGE_BYTES * 4) {
            return message != null;
        }
        final String t = message.strip();
        if (!t.startsWith("{")) {
            return false;
        }
        try {
            final JsonNode root = JSON.readTree(t);
            return root != null && root.isObject() && (root.has("deviceId") || root.has("command"));
        } catch (IOException e) {
            return true; // a broken object: answer it as a bad command
        }
    }

    /**
     * Parses and validates one client message.
     *
     * @throws IllegalArgumentException with a client-safe reason
     */
    public static DeviceCommand parse(final String message) {
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("empty message; expected {\"deviceId\":...,\"command\":...}");
        }
        if (message.length() > MAX_MESSAGE_BYTES || message.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("message larger than " + MAX_MESSAGE_BYTES + " bytes");
        }
        final JsonNode root;
        try {
            root = JSON.readTree(message);
        } catch (IOException e) {
            throw new IllegalArgumentException("message is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("message must be a JSON object {\"deviceId\":...,\"command\":...}");
        }
        final JsonNode id = root.get("deviceId");
        if (id == null || !id.isTextual()) {
            throw new IllegalArgumentException("deviceId (a string) is required");
        }
        final String deviceId = id.asText();
        if (!isValidDeviceId(deviceId)) {
            throw new IllegalArgumentException("deviceId is not a valid device id");
        }
        final JsonNode command = root.get("command");
        if (command == null || command.isNull() || command.isMissingNode()) {
            throw new IllegalArgumentException("command is required");
        }
        final String text = command.isTextual() ? command.asText() : command.toString();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("command must not be empty");
        }
        return new DeviceCommand(deviceId, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A device id usable as one MQTT topic level and one AMQP routing-key word: 1-128 characters,
     * no MQTT wildcards or separators ({@code + # /}), no {@code .} (routing-key separator), no
     * whitespace or control characters, not starting with {@code $}.
     */
    public static boolean isValidDeviceId(final String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_DEVICE_ID || id.charAt(0) == '$') {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            final char c = id.charAt(i);
            if (c == '+' || c == '#' || c == '/' || c == '.' || c == '*' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                return false;
            }
        }
        return true;
    }
}
