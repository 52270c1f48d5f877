package io.caravan.tsmulticast;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.common.HttpTestClient;

/** The ts-multicast control API over HTTP, with client-credentials tokens from the real dev issuer. */
final class ControlApi {

    private final String base;

    ControlApi(final int port) {
        this.base = "http://127.0.0.1:" + port + "/api/ts-multicast/channels";
    }

    HttpResponse<String> list(final String token) {
        return HttpTestClient.send(request(base, token).GET().build());
    }

    HttpResponse<String> post(final String channel, final String action, final String token) {
        return HttpTestClient.send(request(base + "/" + channel + "/" + action, token).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private static HttpRequest.Builder request(final String url, final String token) {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /** A token for {@code clientId} with the scopes the dev issuer configures for it (config/brokers/oidc/config.json). */
    static String token(final String issuer, final String clientId) {
        final String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=dev";
        final HttpResponse<String> response = HttpTestClient.send(HttpRequest.newBuilder(URI.create(issuer + "/token"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token endpoint answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return new ObjectMapper().readTree(response.body()).get("access_token").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
