package io.caravan.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.RSAKey;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The policy in a plain Camel context (Java DSL), with the verifier built from the context's oauth2.* properties. */
class BearerTokenPolicyTest {

    private OidcStub oidc;
    private RSAKey key;
    private CamelContext context;
    private ProducerTemplate template;
    private String issuer;

    @BeforeEach
    void setUp() throws Exception {
        oidc = new OidcStub();
        issuer = oidc.base() + "/caravan";
        oidc.serve("caravan", issuer);
        key = OidcStub.rsa("k1");
        oidc.publish(key);
        context = new DefaultCamelContext();
        trustPolicyTestIssuer(context, issuer);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:guarded").routeId("test-guarded")
                        .policy(new BearerTokenPolicy("whoami"))
                        .setBody(simple("${header.CaravanPrincipalSubject}|"
                                + "${header.CaravanPrincipalClientId}|${header.CaravanPrincipalIssuer}|${header.CaravanPrincipalScopes}|"
                                + "${header.Authorization}|${header.access_token}|${header.CamelHttpQuery}"))
                        .end()
                        .setHeader("after", constant("ran"));
                from("direct:admin").routeId("test-admin").policy(new BearerTokenPolicy("devices:admin, whoami")).setBody(constant("admin"));
                from("direct:nested").routeId("test-nested")
                        .policy(new BearerTokenPolicy("whoami"))
                        .setHeader("outer", constant("ran"))
                        .policy(new BearerTokenPolicy("devices:admin"))
                        .setBody(simple("inner:${header.CaravanPrincipalSubject}"));
            }
        });
        context.start();
        template = context.createProducerTemplate();
    }

    /**
     * The oauth2 properties that make {@code issuer} the only trusted one, under the id "policy-test": the test JVM
     * also carries the real brokers' system property oauth2.issuer.caravan.uri, and Camel lets system properties win.
     */
    static void trustPolicyTestIssuer(final CamelContext context, final String issuer) {
        final java.util.Properties props = new java.util.Properties();
        props.putAll(Map.of("oauth2.issuers", "policy-test", "oauth2.issuer.policy-test.uri", issuer,
                "oauth2.issuer.policy-test.audience", "api://caravan"));
        context.getPropertiesComponent().setInitialProperties(props);
    }

    @AfterEach
    void tearDown() throws Exception {
        context.close();
        oidc.close();
    }

    private String token(final String scp) {
        return OidcStub.sign(key, OidcStub.claims(issuer, Instant.now()).claim("scp", scp).build());
    }

    private Exchange call(final String endpoint, final Map<String, Object> headers) {
        return template.request(endpoint, e -> e.getMessage().setHeaders(new java.util.HashMap<>(headers)));
    }

    @Test
    void validTokenSetsThePrincipalAndDropsCallerHeadersAndTheToken() {
        final Exchange out = call("direct:guarded", Map.of("Authorization", "Bearer " + token("whoami"),
                "caravanprincipalsubject", "admin", "CaravanPrincipalScopes", "devices:admin", "CamelHttpQuery", "a=1"));
        assertThat(out.getMessage().getBody(String.class))
                .isEqualTo("client-a|client-a|" + issuer + "|whoami|||a=1");
        assertThat(out.getProperty(BearerTokenPolicy.PRINCIPAL_PROPERTY, VerifiedPrincipal.class).scopes()).containsExactly("whoami");
        assertThat(out.getMessage().getHeader("after")).isEqualTo("ran");
        // one verifier per context, bound under its well-known name
        assertThat(context.getRegistry().lookupByNameAndType(BearerTokenPolicy.VERIFIER_NAME, TokenVerifier.class)).isNotNull();
    }

    @Test
    void bearerSchemeIsCaseInsensitive() {
        final Exchange out = call("direct:guarded", Map.of("authorization", "bearer   " + token("whoami")));
        assertThat(out.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isNull();
    }

    @Test
    void missingTokenIs401WithABareChallenge() {
        final Exchange out = call("direct:guarded", Map.of("X-Other", "1"));
        assertChallenge(out, 401, "Bearer realm=\"caravan\"");
        assertThat(out.getMessage().getHeader("X-Other")).as("request headers are not echoed").isNull();
        assertThat(out.getMessage().getHeader("after")).as("the route stopped").isNull();
        assertThat(call("direct:guarded", Map.of("Authorization", "Basic dXNlcjpwYXNz")).getMessage().getHeader("WWW-Authenticate"))
                .isEqualTo("Bearer realm=\"caravan\"");
        assertThat(call("direct:guarded", Map.of("Authorization", "Bearer ")).getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE))
                .isEqualTo(401);
    }

    @Test
    void tokenInTheQueryStringIsIgnoredAndRemoved() {
        final String token = token("whoami");
        final Exchange out = call("direct:guarded", Map.of("access_token", token, "CamelHttpQuery", "x=1&access_token=" + token));
        assertChallenge(out, 401, "Bearer realm=\"caravan\"");
        assertThat(out.getMessage().getBody(String.class)).doesNotContain(token);
        // with a valid Authorization header the route runs, without the query token
        final Exchange ok = call("direct:guarded", Map.of("Authorization", "Bearer " + token, "access_token", token,
                "CamelHttpQuery", "x=1&access_token=" + token));
        assertThat(ok.getMessage().getBody(String.class)).endsWith("||x=1").doesNotContain(token);
    }

    @Test
    void badTokenIs401InvalidToken() {
        final Exchange out = call("direct:guarded", Map.of("Authorization", "Bearer " + token("whoami") + "!"));
        assertChallenge(out, 401, "Bearer realm=\"caravan\", error=\"invalid_token\", error_description=\"malformed token\"");
        assertChallenge(call("direct:guarded", Map.of("Authorization", "Bearer " + token("whoami") + "xy")), 401,
                "Bearer realm=\"caravan\", error=\"invalid_token\", error_description=\"invalid signature\"");
        assertThat(out.getMessage().getBody(String.class)).contains("\"status\":401").contains("\"detail\":\"malformed token\"");
        final Exchange expired = call("direct:guarded", Map.of("Authorization", "Bearer " + OidcStub.sign(key,
                OidcStub.claims(issuer, Instant.now().minusSeconds(7200)).build())));
        assertChallenge(expired, 401, "Bearer realm=\"caravan\", error=\"invalid_token\", error_description=\"token expired\"");
    }

    @Test
    void oversizedAuthorizationHeaderIsRejectedBeforeParsing() {
        final Exchange out = call("direct:guarded", Map.of("Authorization", "Bearer " + "a".repeat(9000)));
        assertChallenge(out, 401, "Bearer realm=\"caravan\", error=\"invalid_token\", error_description=\"token too large\"");
        assertThat(oidc.totalRequests()).isZero();
    }

    @Test
    void severalAuthorizationHeadersAre400() {
        final Exchange out = call("direct:guarded", Map.of("Authorization", List.of("Bearer a", "Bearer b")));
        assertThat(out.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        assertThat(out.getMessage().getHeader("WWW-Authenticate", String.class)).contains("error=\"invalid_request\"");
    }

    @Test
    void missingScopeIs403InsufficientScope() {
        final Exchange out = call("direct:admin", Map.of("Authorization", "Bearer " + token("whoami")));
        assertChallenge(out, 403, "Bearer realm=\"caravan\", error=\"insufficient_scope\", "
                + "error_description=\"scope required: devices:admin whoami\", scope=\"devices:admin whoami\"");
        assertThat(call("direct:admin", Map.of("Authorization", "Bearer " + token("whoami devices:admin"))).getMessage().getBody())
                .isEqualTo("admin");
    }

    @Test
    void nestedPolicyReusesTheVerifiedPrincipalAndChecksItsOwnScopes() {
        final Exchange both = call("direct:nested", Map.of("Authorization", "Bearer " + token("whoami devices:admin")));
        assertThat(both.getMessage().getBody()).isEqualTo("inner:client-a");
        final Exchange outerOnly = call("direct:nested", Map.of("Authorization", "Bearer " + token("whoami")));
        assertThat(outerOnly.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(403);
        assertThat(outerOnly.getMessage().getHeader("WWW-Authenticate", String.class)).contains("scope=\"devices:admin\"");
    }

    @Test
    void scopesMustBeValidScopeTokens() {
        assertThatThrownBy(() -> new BearerTokenPolicy("a\"b")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new BearerTokenPolicy(" b,a  c ").getScopes()).isEqualTo("a b c");
    }

    private static void assertChallenge(final Exchange out, final int status, final String challenge) {
        assertThat(out.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(status);
        assertThat(out.getMessage().getHeader("WWW-Authenticate")).isEqualTo(challenge);
        assertThat(out.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/problem+json");
        assertThat(out.getMessage().getHeader("Authorization")).isNull();
    }
}
