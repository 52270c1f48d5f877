package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.caravan.common.CaravanBootTest;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Byte-exact replays of both plugin dialects against the whole gateway's internal callback
 * listener (camel-jetty), with the registry in the real Redis.
 */
@CaravanBootTest
class CallbacksHttpTest {

    @Autowired
    CamelContext camel;

    RedisRegistry registry;
    int port;
    String d1Secret;

    @BeforeEach
    void seed() {
        registry = camel.getRegistry().lookupByNameAndType("mqttAclRegistry", RedisRegistry.class);
        port = RawHttp.callbackPort(camel);
        registry.unregister("d1");
        d1Secret = registry.register("d1", true, List.of("alice"));
    }

    private RawHttp.Response legacy(final String path, final String basicUser, final String basicPassword, final String body) {
        return RawHttp.send(port, RawHttp.curlForm(path, port, basicUser, basicPassword, body));
    }

    private RawHttp.Response go(final String path, final String contentType, final String body) {
        return RawHttp.send(port, RawHttp.goRequest(path, port, contentType, body));
    }

    // ------------------------------------------------------------ legacy mosquitto-auth-plug

    @Test
    void legacyAuthWithTheDeviceSecretIsAllowedWithAnEmptyBody() {
        final var r = legacy("/auth", "d1", d1Secret, "username=d1&password=" + d1Secret + "&topic=&acc=-1&clientid=");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers()).doesNotContainKey("authorization").doesNotContainKey("username");
    }

    @Test
    void legacyAuthWithAWrongSecretOrUnknownDeviceIsDenied() {
        assertThat(legacy("/auth", "d1", "nope", "username=d1&password=nope&topic=&acc=-1&clientid=").status()).isEqualTo(403);
        assertThat(legacy("/auth", "zz", "x", "username=zz&password=x&topic=&acc=-1&clientid=").status()).isEqualTo(403);
        assertThat(legacy("/auth", "d1", "", "username=d1&password=&topic=&acc=-1&clientid=").status()).isEqualTo(403);
    }

    @Test
    void legacyAuthWithAnEscapedSecretCharacter() {
        // curl escapes the password; generated secrets are base64url but '-' and '_' must survive
        final String escaped = d1Secret.replace("-", "%2D").replace("_", "%5F");
        assertThat(legacy("/auth", "d1", d1Secret, "username=d1&password=" + escaped + "&topic=&acc=-1&clientid=").status()).isEqualTo(200);
    }

    @Test
    void certificateDevicesHaveNoPasswordButTheirAclsWork() {
        // TLS listener with use_identity_as_username: Mosquitto skips /auth, username = CN = device id
        registry.unregister("tls1");
        assertThat(registry.register("tls1", false, List.of())).isNull();
        assertThat(legacy("/auth", "tls1", "anything", "username=tls1&password=anything&topic=&acc=-1&clientid=").status())
                .isEqualTo(403);
        assertThat(legacy("/acl", "tls1", "", "username=tls1&password=&topic=devices%2Ftls1%2Fstate&acc=2&clientid=client id not available")
                .status()).isEqualTo(200);
        assertThat(legacy("/acl", "tls1", "", "username=tls1&password=&topic=devices%2Fd1%2Fstate&acc=2&clientid=client id not available")
                .status()).isEqualTo(403);
        // an unregistered certificate CN gets nothing
        assertThat(legacy("/acl", "tls-unknown", "", "username=tls-unknown&password=&topic=devices%2Ftls-unknown%2Fstate&acc=2&clientid=x")
                .status()).isEqualTo(403);
    }

    @Test
    void legacySuperuserIsCalledBeforeEveryAclAndDeniesDevices() {
        final var r = legacy("/superuser", "d1", "", "username=d1&password=&topic=&acc=-1&clientid=");
        assertThat(r.status()).isEqualTo(403);
    }

    @Test
    void legacyAclWithRawClientIdAndEscapedTopic() {
        assertThat(legacy("/acl", "d1", "", "username=d1&password=&topic=devices%2Fd1%2Fstate&acc=2&clientid=client id not available")
                .status()).isEqualTo(200);
        assertThat(legacy("/acl", "d1", "", "username=d1&password=&topic=devices%2Fd1%2Fcommands%2F%23&acc=4&clientid=client id not available")
                .status()).isEqualTo(200);
        assertThat(legacy("/acl", "d1", "", "username=d1&password=&topic=devices%2Fd1%2Fcommands%2Freboot&acc=1&clientid=dev 1")
                .status()).isEqualTo(200);
        assertThat(legacy("/acl", "d1", "", "username=d1&password=&topic=devices%2F%2B%2Fstate&acc=4&clientid=client id not available")
                .status()).isEqualTo(403);
        assertThat(legacy("/acl", "d1", "", "username=d1&password=&topic=%23&acc=4&clientid=client id not available").status())
                .isEqualTo(403);
        assertThat(legacy("/acl", "d1", "", "username=d1&password=&topic=%24SYS%2Fbroker%2Fuptime&acc=1&clientid=x").status())
                .isEqualTo(403);
    }

    @Test
    void legacyTopicWithEscapedSpacesIsDecoded() {
        registry.unregister("sp1");
        registry.register("sp1", true, List.of());
        assertThat(legacy("/acl", "sp1", "", "username=sp1&password=&topic=devices%2Fsp1%2Fevents%2Fa%20b&acc=2&clientid=client id not available")
                .status()).isEqualTo(200);
    }

    @Test
    void legacyWithoutAuthorizationHeaderWorksToo() {
        final String body = "username=d1&password=&topic=devices%2Fd1%2Fstate&acc=2&clientid=client id not available";
        final String request = "POST /acl HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
        assertThat(RawHttp.send(port, request).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "username=d1&password=&topic=t&clientid=x", "username=d1&password=&topic=t&acc=9&clientid=x",
        "username=d1&password=&topic=t&acc=-1&clientid=x", "username=d1&password=&topic=&acc=1&clientid=x",
        "username=d1&password=&topic=%ZZ&acc=1&clientid=x", "password=&topic=t&acc=1&clientid=x"})
    void legacyMalformedAclIs400(final String body) {
        final var r = legacy("/acl", "d1", "", body);
        assertThat(r.status()).as(body).isEqualTo(400);
        assertThat(r.headers().get("content-type")).startsWith("application/problem+json");
    }

    @Test
    void legacyAuthWithoutPasswordFieldIs400() {
        assertThat(legacy("/auth", "d1", "", "username=d1&topic=&acc=-1&clientid=").status()).isEqualTo(400);
    }

    @Test
    void onlyPostIsServed() {
        final var r = RawHttp.send(port, "GET /acl?username=d1&topic=devices%2Fd1%2Fstate&acc=2&clientid=x HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(r.status()).isEqualTo(405);
    }

    @Test
    void anOversizedBodyIs400() {
        final String big = "username=d1&password=" + "x".repeat(MqttAclCallbacks.MAX_BODY) + "&topic=&acc=-1&clientid=";
        assertThat(legacy("/auth", "d1", "x", big).status()).isEqualTo(400);
    }

    // ------------------------------------------------------------ mosquitto-go-auth

    @Test
    void goAuthJsonUserSuperuserAcl() {
        final var user = go("/go-auth/user", "application/json",
                "{\"clientid\":\"d1\",\"password\":\"" + d1Secret + "\",\"username\":\"d1\"}");
        assertThat(user.status()).isEqualTo(200);
        assertThat(user.body()).isEmpty();
        assertThat(go("/go-auth/user", "application/json", "{\"clientid\":\"d1\",\"password\":\"bad\",\"username\":\"d1\"}").status())
                .isEqualTo(403);
        assertThat(go("/go-auth/superuser", "application/json", "{\"username\":\"d1\"}").status()).isEqualTo(403);
        assertThat(go("/go-auth/acl", "application/json",
                "{\"acc\":1,\"clientid\":\"d1\",\"topic\":\"devices/d1/commands/reboot\",\"username\":\"d1\"}").status()).isEqualTo(200);
        assertThat(go("/go-auth/acl", "application/json",
                "{\"acc\":2,\"clientid\":\"d1\",\"topic\":\"devices/d1/commands/reboot\",\"username\":\"d1\"}").status()).isEqualTo(403);
        assertThat(go("/go-auth/acl", "application/json",
                "{\"acc\":4,\"clientid\":\"d1\",\"topic\":\"firmware/#\",\"username\":\"d1\"}").status()).isEqualTo(200);
    }

    @Test
    void goAuthFormParamsMode() {
        assertThat(go("/go-auth/user", "application/x-www-form-urlencoded",
                "clientid=d1&password=" + d1Secret + "&username=d1").status()).isEqualTo(200);
        assertThat(go("/go-auth/acl", "application/x-www-form-urlencoded",
                "acc=2&clientid=d1&topic=devices%2Fd1%2Fevents%2Fboot&username=d1").status()).isEqualTo(200);
        assertThat(go("/go-auth/acl", "application/x-www-form-urlencoded",
                "acc=2&clientid=d1&topic=devices%2Fd2%2Fevents%2Fboot&username=d1").status()).isEqualTo(403);
    }

    @Test
    void goAuthRefusesInjectionInUsernamesAndClientIds() {
        for (final String user : new String[] {"d1/x", "+", "#", "d1\\u0000"}) {
            assertThat(go("/go-auth/acl", "application/json",
                    "{\"acc\":2,\"clientid\":\"c\",\"topic\":\"devices/d1/state\",\"username\":\"" + user + "\"}").status())
                    .as(user).isEqualTo(403);
        }
        assertThat(go("/go-auth/acl", "application/json",
                "{\"acc\":2,\"clientid\":\"c/#\",\"topic\":\"devices/d1/state\",\"username\":\"d1\"}").status()).isEqualTo(403);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "[]", "{\"username\":\"d1\",\"acc\":\"2\",\"topic\":\"t\",\"clientid\":\"c\"}",
        "{\"username\":\"d1\",\"acc\":2,\"clientid\":\"c\"}", "{\"acc\":2,\"topic\":\"t\",\"clientid\":\"c\"}",
        "{\"username\":\"d1\",\"acc\":7,\"topic\":\"t\",\"clientid\":\"c\"}"})
    void goAuthMalformedAclIs400(final String body) {
        assertThat(go("/go-auth/acl", "application/json", body).status()).as(body).isEqualTo(400);
    }

    @Test
    void keepAliveServesManyCallbacksOnOneConnection() {
        final String one = RawHttp.goRequest("/go-auth/acl", port, "application/json",
                "{\"acc\":2,\"clientid\":\"d1\",\"topic\":\"devices/d1/state\",\"username\":\"d1\"}");
        final var responses = RawHttp.sendAll(port, one.repeat(3).getBytes(StandardCharsets.UTF_8), 3);
        assertThat(responses).extracting(RawHttp.Response::status).containsExactly(200, 200, 200);
    }
}
