package io.caravan.oauth2;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.caravan.common.CaravanBootTest;
import io.caravan.common.HttpTestClient;
import io.caravan.common.RealBrokers;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * GET /api/whoami of the Spring Boot gateway over real HTTP, with tokens from the real dev issuer
 * (mock-oauth2-server started by the test run) and forged ones.
 */
@CaravanBootTest
class OAuth2RouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    private String issuer() {
        return RealBrokers.get().oidcIssuer();
    }

    private HttpResponse<String> whoami(final String authorization) {
        return whoami("", authorization);
    }

    private HttpResponse<String> whoami(final String query, final String authorization) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/whoami" + query))
                .timeout(Duration.ofSeconds(20)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpTestClient.send(request.build());
    }

    private static String wwwAuthenticate(final HttpResponse<String> response) {
        return response.headers().firstValue("WWW-Authenticate").orElse("(none)");
    }

    @Test
    void clientCredentialsTokenFromTheRealIssuerGetsThePrincipal() throws Exception {
        final String token = DevIssuerTokens.clientCredentials(issuer(), "caravan-admin", null);
        final HttpResponse<String> response = whoami("Bearer " + token);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        final JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("subject").asText()).isEqualTo("caravan-admin");
        assertThat(body.path("clientId").asText()).isEqualTo("caravan-admin");
        assertThat(body.path("issuer").asText()).isEqualTo(issuer());
        assertThat(body.path("scopes").toString()).contains("\"whoami\"", "\"devices:admin\"");
        assertThat(response.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("Authorization"));
        assertThat(response.body()).doesNotContain(token);
    }

    @Test
    void missingTokenIs401WithABareChallengeAndAProblemBody() throws Exception {
        final HttpResponse<String> response = whoami(null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(wwwAuthenticate(response)).isEqualTo("Bearer realm=\"caravan\"");
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        final JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(401);
        assertThat(problem.path("title").asText()).isEqualTo("Unauthorized");
    }

    @Test
    void tokenOnlyInTheQueryStringIs401AsMissing() {
        final String token = DevIssuerTokens.clientCredentials(issuer(), "caravan-admin", null);
        final HttpResponse<String> response = whoami("?access_token=" + token, null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(wwwAuthenticate(response)).isEqualTo("Bearer realm=\"caravan\"");
        assertThat(response.body()).doesNotContain(token);
        assertThat(response.headers().map().toString()).doesNotContain(token);
    }

    @Test
    void tokenWithoutTheRouteScopeIs403() {
        final String token = DevIssuerTokens.clientCredentials(issuer(), "caravan-admin", "devices:admin");
        final HttpResponse<String> response = whoami("Bearer " + token);
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(wwwAuthenticate(response)).isEqualTo(
                "Bearer realm=\"caravan\", error=\"insufficient_scope\", error_description=\"scope required: whoami\", scope=\"whoami\"");
        assertThat(response.body()).contains("\"status\":403");
    }

    @Test
    void forgedAndBrokenTokensAreEach401InvalidToken() throws Exception {
        final String real = DevIssuerTokens.clientCredentials(issuer(), "caravan-admin", null);
        final String[] parts = real.split("\\.");
        final JWTClaimsSet realClaims = SignedJWT.parse(real).getJWTClaimsSet();
        final Instant now = Instant.now();

        // HS256 signed with the issuer's own RSA public key (fetched from its real JWKS) as the secret
        final JWKSet jwks = JWKSet.load(URI.create(issuer() + "/jwks").toURL());
        final RSAKey publicKey = (RSAKey) jwks.getKeys().get(0);
        final SignedJWT hs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(publicKey.getKeyID()).build(), realClaims);
        hs256.sign(new MACSigner(publicKey.toRSAPublicKey().getEncoded()));
        // a locally generated key: for expiry, nbf, iss, aud, unknown kid
        final RSAKey local = OidcStub.rsa(publicKey.getKeyID());
        final RSAKey unknown = OidcStub.rsa("not-published");
        final JWTClaimsSet.Builder good = new JWTClaimsSet.Builder(realClaims);
        final String tamperedPayload = parts[0] + "." + Base64URL.encode(new JWTClaimsSet.Builder(realClaims)
                .claim("scp", "whoami devices:admin firmware:publish root").build().toString()) + "." + parts[2];
        final String tamperedSignature = parts[0] + "." + parts[1] + "." + (parts[2].startsWith("A") ? "B" : "A") + parts[2].substring(1);

        final Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("alg none", new PlainJWT(realClaims).serialize());
        cases.put("HS256 with the RSA public key", hs256.serialize());
        cases.put("expired", OidcStub.sign(local, good.expirationTime(java.util.Date.from(now.minusSeconds(600))).build()));
        cases.put("nbf in the future", OidcStub.sign(local, new JWTClaimsSet.Builder(realClaims)
                .notBeforeTime(java.util.Date.from(now.plusSeconds(600))).build()));
        cases.put("wrong iss", OidcStub.sign(local, new JWTClaimsSet.Builder(realClaims).issuer(issuer() + "x").build()));
        cases.put("wrong aud", OidcStub.sign(local, new JWTClaimsSet.Builder(realClaims).audience("api://other").build()));
        cases.put("unknown kid", OidcStub.sign(unknown, realClaims));
        cases.put("signed by another key under the real kid", OidcStub.sign(local, realClaims));
        cases.put("tampered payload", tamperedPayload);
        cases.put("tampered signature", tamperedSignature);
        cases.put("two segments", parts[0] + "." + parts[1]);
        cases.put("bad base64url", parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10) + "+/" + parts[2].substring(12));
        cases.put("untrusted issuer", OidcStub.sign(unknown, new JWTClaimsSet.Builder(realClaims).issuer("https://evil.example/caravan").build()));
        cases.put("header over 8 KiB", OidcStub.sign(local, new JWTClaimsSet.Builder(realClaims).claim("pad", "x".repeat(8300)).build()));

        for (final Map.Entry<String, String> c : cases.entrySet()) {
            final HttpResponse<String> response = whoami("Bearer " + c.getValue());
            assertThat(response.statusCode()).as(c.getKey() + ": " + response.body()).isEqualTo(401);
            assertThat(wwwAuthenticate(response)).as(c.getKey()).startsWith("Bearer realm=\"caravan\", error=\"invalid_token\", error_description=\"");
            assertThat(response.body()).as(c.getKey()).doesNotContain(c.getValue());
        }
        assertThat(whoami("Bearer " + real).statusCode()).as("the real token still passes").isEqualTo(200);
    }

    @Test
    void cachedKeysKeepValidTokensPassingWhileTheIssuerIsDown() {
        final String token = DevIssuerTokens.clientCredentials(issuer(), "caravan-reader", null);
        assertThat(whoami("Bearer " + token).statusCode()).isEqualTo(200);
        final RealBrokers brokers = RealBrokers.get();
        brokers.stop("oidc");
        try {
            final HttpResponse<String> response = whoami("Bearer " + token);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains("\"subject\":\"caravan-reader\"");
        } finally {
            brokers.start("oidc");
        }
    }

    static String utf8(final byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
