package io.caravan.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.rest.RestEndpoint;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * /api/openapi.json of the gateway: generated from the flows' REST DSL blocks, it lists every REST
 * operation, and every operation it lists answers (with a token that holds every scope: 2xx, or the
 * flow's own 4xx problem body where a path parameter names nothing). HTTP routes
 * that are not yet REST DSL are named here, so a new one cannot slip past the document unnoticed.
 */
@CaravanBootTest
class OpenApiDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** platform-http routes still declared with a bare `from: platform-http` (to move into `rest:` blocks). */
    private static final Set<String> NOT_YET_REST_DSL = Set.of(
            "firmware-publish-upload", "firmware-publish-build", "firmware-publish-apt",
            "mqtt-acl-devices", "mqtt-acl-device", "mqtt-acl-device-secret", "mqtt-acl-device-owner",
            "mqtt-acl-token-issue", "mqtt-acl-token-revoke",
            "ws-ticket-issue");

    @LocalServerPort
    int port;

    @Autowired
    CamelContext camelContext;

    private JsonNode document() throws Exception {
        final HttpResponse<String> response = HttpTestClient.get("http://127.0.0.1:" + port + "/api/openapi.json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        final JsonNode doc = JSON.readTree(response.body());
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        return doc;
    }

    private static Set<String> operations(final JsonNode doc) {
        final Set<String> operations = new TreeSet<>();
        final Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields();
        while (paths.hasNext()) {
            final Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(verb -> operations.add(verb.toUpperCase() + " " + path.getKey()));
        }
        return operations;
    }

    @Test
    void everyRestDslRouteIsInTheDocumentAndEveryOtherHttpRouteIsNamedAsNotYetMoved() throws Exception {
        final Set<String> documented = operations(document());
        final Set<String> restRoutes = new TreeSet<>();
        final Set<String> bareHttpRoutes = new TreeSet<>();
        for (final Route route : camelContext.getRoutes()) {
            if (route.getEndpoint() instanceof RestEndpoint rest) {
                assertThat(route.isCreatedByRestDsl()).as(route.getRouteId()).isTrue();
                final String template = rest.getUriTemplate() == null ? "" : rest.getUriTemplate();
                restRoutes.add(rest.getMethod().toUpperCase() + " " + (rest.getPath() + template).replaceAll("/+$", ""));
            } else if (route.getEndpoint() instanceof PlatformHttpEndpoint) {
                bareHttpRoutes.add(route.getRouteId());
            }
        }
        assertThat(restRoutes).contains("GET /api/status", "GET /api/whoami");
        assertThat(documented).containsAll(restRoutes);
        assertThat(bareHttpRoutes).isEqualTo(NOT_YET_REST_DSL);
    }

    @Test
    void theDocumentDeclaresTheBearerSchemeAndTheScopeOfEachSecuredOperation() throws Exception {
        final JsonNode doc = document();
        final JsonNode scheme = doc.path("components").path("securitySchemes").path("bearer");
        assertThat(scheme.path("type").asText()).isEqualTo("http");
        assertThat(scheme.path("scheme").asText()).isEqualTo("bearer");
        final JsonNode whoami = doc.path("paths").path("/api/whoami").path("get");
        assertThat(whoami.path("security").toString()).contains("bearer", "whoami");
        assertThat(whoami.path("responses").has("401")).isTrue();
    }

    @Test
    void everyDocumentedOperationAnswers() throws Exception {
        final String token = adminToken();
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        final Set<String> operations = operations(document());
        assertThat(operations).isNotEmpty();
        for (final String operation : operations) {
            final String verb = operation.substring(0, operation.indexOf(' '));
            // path parameters get a value no resource has: the operation must still answer (its own 4xx problem)
            final String path = operation.substring(operation.indexOf(' ') + 1).replaceAll("\\{([^}/]+)}", "no-such-$1");
            final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + token)
                    .method(verb, HttpRequest.BodyPublishers.noBody())
                    .build();
            final HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            final String type = response.headers().firstValue("Content-Type").orElse("");
            if (response.statusCode() >= 300) {
                assertThat(response.statusCode()).as(operation + ": " + response.body()).isBetween(400, 499);
                assertThat(type).as(operation + " answers with the flow's own problem body").startsWith("application/problem+json");
            }
        }
    }

    private static String adminToken() throws Exception {
        final String issuer = RealBrokers.get().oidcIssuer();
        final String form = "grant_type=client_credentials&client_id=caravan-admin&client_secret=dev&scope="
                + URLEncoder.encode("whoami devices:admin firmware:publish ws:ticket mqtt:token channels:control", StandardCharsets.UTF_8);
        final HttpResponse<String> response = HttpTestClient.send(HttpRequest.newBuilder(URI.create(issuer + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("access_token").asText();
    }
}
