package io.caravan.mqttacl;

/** One callback's parameters, whichever dialect carried them (absent fields are null). */
public record CallbackRequest(String username, String password, String clientId, String topic, String acc) {
}
