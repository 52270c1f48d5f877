package io.caravan.oauth2;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.caravan.common.HttpTestClient;

/** Client-credentials tokens from the real dev issuer (mock-oauth2-server run by config/stack.sh). */
final class DevIssuerTokens {

    private DevIssuerTokens() {
    }

    /** @param scope requested scopes (space-separated) or {@code null} for the client's configured ones */
    static String clientCredentials(final String issuer, final String clientId, final String scope) {
        String form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=dev";
        if (scope != null) {
            form += "&scope=" + enc(scope);
        }
        final HttpResponse<String> response = HttpTestClient.send(HttpRequest.newBuilder(URI.create(issuer + "/token"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token endpoint answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSONObjectUtils.getString(JSONObjectUtils.parse(response.body()), "access_token");
        } catch (ParseException e) {
            throw new IllegalStateException("token endpoint answered no JSON", e);
        }
    }

    private static String enc(final String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
