package io.caravan.wsticket;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.common.HttpTestClient;

/** POST /api/ws-tickets over real HTTP. */
final class TicketClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TicketClient() {
    }

    static HttpResponse<String> post(final String baseUrl, final String token, final String origin) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/ws-tickets"))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return HttpTestClient.send(request.build());
    }

    /** Issues a ticket and returns it (fails unless 201). */
    static String issue(final String baseUrl, final String token, final String origin) {
        final HttpResponse<String> response = post(baseUrl, token, origin);
        if (response.statusCode() != 201) {
            throw new IllegalStateException("POST /api/ws-tickets answered " + response.statusCode() + ": " + response.body());
        }
        return json(response.body()).path("ticket").asText();
    }

    static JsonNode json(final String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }
}
