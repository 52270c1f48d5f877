package io.caravan.wsticket;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.common.HttpTestClient;
import io.caravan.common.RealBrokers;

/** Bearer tokens from the real dev issuer (mock-oauth2-server, client_credentials). */
final class DevTokens {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DevTokens() {
    }

    /** A token for {@code clientId} with its configured scopes (caravan-admin has ws:ticket). */
    static String token(final String clientId) {
        return token(clientId, null);
    }

    static String token(final String clientId, final String scope) {
        String form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=dev";
        if (scope != null) {
            form += "&scope=" + enc(scope);
        }
        final HttpResponse<String> response = HttpTestClient.send(HttpRequest.newBuilder(URI.create(RealBrokers.get().oidcIssuer() + "/token"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("dev issuer answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body()).path("access_token").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
