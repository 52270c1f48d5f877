package io.caravan.mqttacl;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.common.HttpTestClient;

/** Access tokens from the real dev issuer (client_credentials; sub = client id, scp = scope). */
final class Tokens {

    private Tokens() {
    }

    static String of(final String issuer, final String clientId, final String scope) {
        final String form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=dev&scope=" + enc(scope);
        final HttpResponse<String> r = HttpTestClient.send(HttpRequest.newBuilder(URI.create(issuer + "/token"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("token endpoint answered " + r.statusCode() + ": " + r.body());
        }
        try {
            return new ObjectMapper().readTree(r.body()).path("access_token").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(final String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
