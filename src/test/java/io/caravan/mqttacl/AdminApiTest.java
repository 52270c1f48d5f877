package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.common.CaravanBootTest;
import io.caravan.common.HttpTestClient;
import io.caravan.common.RealBrokers;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The registry's admin API and the MQTT token endpoint on the public port (oauth2 policy, real dev
 * issuer), each change checked by the very next callback on the internal listener.
 */
@CaravanBootTest
class AdminApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int apiPort;

    @Autowired
    CamelContext camel;

    int callbackPort;
    String admin;

    @BeforeEach
    void setUp() {
        callbackPort = RawHttp.callbackPort(camel);
        admin = Tokens.of(RealBrokers.get().oidcIssuer(), "ops-console", "devices:admin");
        for (final String d : new String[] {"a1", "a2", "a3"}) {
            call("DELETE", "/api/devices/" + d, admin, null);
        }
    }

    private HttpResponse<String> call(final String method, final String path, final String token, final String json) {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return HttpTestClient.send(b.build());
    }

    private static JsonNode json(final HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private int auth(final String user, final String password) {
        return RawHttp.send(callbackPort, RawHttp.curlForm("/auth", callbackPort, user, password,
                "username=" + user + "&password=" + password + "&topic=&acc=-1&clientid=")).status();
    }

    private int acl(final String user, final String clientId, final String topic, final int acc) {
        return RawHttp.send(callbackPort, RawHttp.goRequest("/go-auth/acl", callbackPort, "application/json",
                "{\"acc\":" + acc + ",\"clientid\":\"" + clientId + "\",\"topic\":\"" + topic + "\",\"username\":\"" + user + "\"}")).status();
    }

    @Test
    void registerRotateUnregisterAreSeenByTheNextCallback() throws Exception {
        assertThat(auth("a1", "whatever")).isEqualTo(403);
        final HttpResponse<String> created = call("POST", "/api/devices", admin, "{\"id\":\"a1\",\"owners\":[\"alice\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        final String secret = json(created).path("secret").asText();
        assertThat(secret).hasSize(43);
        assertThat(auth("a1", secret)).isEqualTo(200);
        assertThat(acl("a1", "a1", "devices/a1/state", 2)).isEqualTo(200);

        final HttpResponse<String> again = call("POST", "/api/devices", admin, "{\"id\":\"a1\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        final HttpResponse<String> described = call("GET", "/api/devices/a1", admin, null);
        assertThat(described.statusCode()).isEqualTo(200);
        assertThat(json(described).path("owners").get(0).asText()).isEqualTo("alice");
        assertThat(described.body()).doesNotContain(secret).doesNotContain("s256");

        final HttpResponse<String> rotated = call("POST", "/api/devices/a1/secret", admin, null);
        assertThat(rotated.statusCode()).isEqualTo(200);
        final String newSecret = json(rotated).path("secret").asText();
        assertThat(auth("a1", secret)).isEqualTo(403);
        assertThat(auth("a1", newSecret)).isEqualTo(200);

        assertThat(call("DELETE", "/api/devices/a1", admin, null).statusCode()).isEqualTo(204);
        assertThat(auth("a1", newSecret)).isEqualTo(403);
        assertThat(acl("a1", "a1", "devices/a1/state", 2)).isEqualTo(403);
        assertThat(call("DELETE", "/api/devices/a1", admin, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/devices/a1", admin, null).statusCode()).isEqualTo(404);
    }

    @Test
    void ownershipAndMqttTokensOfWebUsers() throws Exception {
        assertThat(call("POST", "/api/devices", admin, "{\"id\":\"a2\",\"secret\":false}").statusCode()).isEqualTo(201);
        assertThat(call("POST", "/api/devices", admin, "{\"id\":\"a3\"}").statusCode()).isEqualTo(201);
        final String webUser = Tokens.of(RealBrokers.get().oidcIssuer(), "web-user-1", "mqtt:token");
        final HttpResponse<String> issued = call("POST", "/api/mqtt-tokens", webUser, null);
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        final String mqttToken = json(issued).path("password").asText();
        assertThat(mqttToken).startsWith("mqtt_").isEqualTo(json(issued).path("token").asText());
        assertThat(json(issued).path("username").asText()).isEqualTo("web-user-1");
        assertThat(json(issued).path("expiresIn").asLong()).isPositive();

        // username = the user id, password = the token; the token as username is refused; owns nothing yet
        assertThat(auth(mqttToken, "x")).isEqualTo(403);
        assertThat(auth("web-user-1", mqttToken)).isEqualTo(200);
        assertThat(auth("web-user-2", mqttToken)).isEqualTo(403);
        assertThat(acl("web-user-1", "web", "devices/a2/state", 4)).isEqualTo(403);

        assertThat(call("PUT", "/api/devices/a2/owners/web-user-1", admin, null).statusCode()).isEqualTo(204);
        assertThat(acl("web-user-1", "web", "devices/a2/state", 4)).isEqualTo(200);
        assertThat(acl("web-user-1", "web", "devices/a2/commands/reboot", 2)).isEqualTo(200);
        assertThat(acl("web-user-1", "web", "devices/a3/state", 4)).isEqualTo(403);
        assertThat(acl("web-user-1", "web", "devices/+/state", 4)).isEqualTo(403);
        assertThat(acl("web-user-1", "web", "#", 4)).isEqualTo(403);

        final HttpResponse<String> mine = call("GET", "/api/devices?owner=web-user-1", admin, null);
        assertThat(json(mine).path("devices").toString()).isEqualTo("[\"a2\"]");

        assertThat(call("DELETE", "/api/devices/a2/owners/web-user-1", admin, null).statusCode()).isEqualTo(204);
        assertThat(acl("web-user-1", "web", "devices/a2/state", 4)).isEqualTo(403);

        // revocation: only by its owner, effective on the next callback
        final String other = Tokens.of(RealBrokers.get().oidcIssuer(), "web-user-2", "mqtt:token");
        assertThat(call("POST", "/api/mqtt-tokens/revoke", other, "{\"token\":\"" + mqttToken + "\"}").statusCode()).isEqualTo(404);
        assertThat(auth("web-user-1", mqttToken)).isEqualTo(200);
        assertThat(call("PUT", "/api/devices/a2/owners/web-user-1", admin, null).statusCode()).isEqualTo(204);
        assertThat(acl("web-user-1", "web", "devices/a2/state", 4)).isEqualTo(200);
        assertThat(call("POST", "/api/mqtt-tokens/revoke", webUser, "{\"token\":\"" + mqttToken + "\"}").statusCode()).isEqualTo(204);
        assertThat(auth("web-user-1", mqttToken)).isEqualTo(403);
        assertThat(acl("web-user-1", "web", "devices/a2/state", 4)).as("a revoked token's session has no rights").isEqualTo(403);
    }

    @Test
    void theApiNeedsTheRightScopeAndGoodInput() {
        assertThat(call("POST", "/api/devices", null, "{\"id\":\"a1\"}").statusCode()).isEqualTo(401);
        final String reader = Tokens.of(RealBrokers.get().oidcIssuer(), "reader", "whoami");
        assertThat(call("POST", "/api/devices", reader, "{\"id\":\"a1\"}").statusCode()).isEqualTo(403);
        assertThat(call("POST", "/api/mqtt-tokens", reader, null).statusCode()).isEqualTo(403);
        assertThat(call("POST", "/api/devices", admin, "{\"id\":\"a/1\"}").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/devices", admin, "{\"id\":\"+\"}").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/devices", admin, "{\"id\":\"mqtt_x\"}").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/devices", admin, "not json").statusCode()).isEqualTo(400);
        assertThat(call("PUT", "/api/devices/nope/owners/u", admin, null).statusCode()).isEqualTo(404);
    }

    @Test
    void idsThatWouldBreakARedisKeyOrATopicAre400WithAProblemBody() throws Exception {
        assertThat(call("POST", "/api/devices", admin, "{\"id\":\"a1\",\"owners\":[\"alice\"]}").statusCode()).isEqualTo(201);
        for (final String body : new String[] {"{\"id\":\"a1:owners\"}", "{\"id\":\"a 1\"}", "{\"id\":\"\"}",
            "{\"id\":\"" + "x".repeat(129) + "\"}", "{\"id\":\"a2\",\"owners\":[\"u:x\"]}",
            "{\"id\":\"a2\",\"owners\":[\"u x\"]}", "{\"id\":\"a2\",\"owners\":[\"u/x\"]}",
            "{\"id\":\"a2\",\"owners\":[\"u#\"]}", "{\"id\":\"a2\",\"owners\":[\"\\u0007\"]}"}) {
            final HttpResponse<String> r = call("POST", "/api/devices", admin, body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).as(body).hasValue("application/problem+json");
            assertThat(json(r).path("status").asInt()).isEqualTo(400);
            assertThat(json(r).path("detail").asText()).isNotEmpty();
        }
        assertThat(call("GET", "/api/devices/a2", admin, null).statusCode()).as("nothing half-written").isEqualTo(404);
        assertThat(call("PUT", "/api/devices/a1/owners/u:x", admin, null).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/api/devices/a1:owners", admin, null).statusCode()).isEqualTo(400);
        assertThat(call("DELETE", "/api/devices/a1:owners", admin, null).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/api/devices?owner=a:b", admin, null).statusCode()).isEqualTo(400);
        assertThat(json(call("GET", "/api/devices/a1", admin, null)).path("owners").toString()).isEqualTo("[\"alice\"]");
        // an access token whose subject has a ':' gets no MQTT token (it would be a Redis key and an ACL topic level)
        final String colon = Tokens.of(RealBrokers.get().oidcIssuer(), "web:user", "mqtt:token");
        final HttpResponse<String> refused = call("POST", "/api/mqtt-tokens", colon, null);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        // the callbacks deny such names at once
        assertThat(auth("a1:owners", "x")).isEqualTo(403);
        assertThat(acl("a1:owners", "c", "devices/a1/state", 2)).isEqualTo(403);
    }

    @Test
    void servicesLogInWithAnAccessTokenAsPassword() {
        final String issuer = RealBrokers.get().oidcIssuer();
        final String service = Tokens.of(issuer, "events-fanout", "mqtt:service");
        assertThat(auth("events-fanout", service)).isEqualTo(200);
        assertThat(acl("events-fanout", "fanout-1", "devices/+/state", 4)).isEqualTo(200);
        assertThat(acl("events-fanout", "fanout-1", "#", 4)).isEqualTo(403);
        // username must be the token's subject; the scope is required; a forged token fails
        assertThat(auth("someone-else", service)).isEqualTo(403);
        assertThat(auth("no-scope", Tokens.of(issuer, "no-scope", "whoami"))).isEqualTo(403);
        assertThat(auth("events-fanout", service.substring(0, service.length() - 4) + "AAAA")).isEqualTo(403);
        assertThat(acl("no-scope", "c", "devices/+/state", 4)).isEqualTo(403);
    }
}
