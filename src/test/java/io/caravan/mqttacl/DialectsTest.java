package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing of both plugin dialects, quirks included; malformed bodies are IllegalArgumentException (→ 400). */
class DialectsTest {

    private final LegacyDialect legacy = new LegacyDialect(false);

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void legacyAuthBody() {
        final CallbackRequest r = legacy.parse(b("username=d1&password=s%26cret%3D&topic=&acc=-1&clientid="));
        assertThat(r).isEqualTo(new CallbackRequest("d1", "s&cret=", "", "", "-1"));
    }

    @Test
    void legacyAclBodyWithRawClientIdAndEscapedTopic() {
        final CallbackRequest r = legacy.parse(b("username=d1&password=&topic=devices%2Fd1%2Fstate&acc=2&clientid=client id not available"));
        assertThat(r).isEqualTo(new CallbackRequest("d1", "", "client id not available", "devices/d1/state", "2"));
    }

    @Test
    void legacyRawClientIdMayHoldAmpersandsAndPercents() {
        final CallbackRequest r = legacy.parse(b("username=d1&password=&topic=a%20b&acc=4&clientid=we&ird=%2F"));
        assertThat(r.clientId()).isEqualTo("we&ird=%2F");
        assertThat(r.topic()).isEqualTo("a b");
    }

    @Test
    void legacyEscapedClientIdForks() {
        final CallbackRequest r = new LegacyDialect(true).parse(b("username=d1&password=&topic=t&acc=1&clientid=c%201"));
        assertThat(r.clientId()).isEqualTo("c 1");
    }

    @Test
    void legacyExtraParamsBeforeTheFields() {
        final CallbackRequest r = legacy.parse(b("realm=caravan&username=u%2Bx&password=p+q&topic=&acc=-1&clientid="));
        assertThat(r.username()).isEqualTo("u+x");
        assertThat(r.password()).isEqualTo("p q");
    }

    @Test
    void legacyRawSpacesInEscapedFieldsPassThrough() {
        assertThat(legacy.parse(b("username=a b&password=&topic=x y&acc=1&clientid=")).topic()).isEqualTo("x y");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "password=x&acc=-1&clientid=", "username=&password=x&acc=-1&clientid=",
        "username=d1&password=x&clientid=", "username=d1%2&password=&acc=1&clientid=", "username=d1%zz&acc=1&clientid=",
        "username=a&username=b&acc=1&clientid="})
    void legacyMalformed(final String body) {
        assertThatThrownBy(() -> legacy.parse(b(body))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void legacyInvalidUtf8IsMalformed() {
        assertThatThrownBy(() -> legacy.parse(new byte[] {'u', 's', 'e', 'r', 'n', 'a', 'm', 'e', '=', (byte) 0xff}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void goAuthJsonBodies() {
        final GoAuthDialect go = new GoAuthDialect("status");
        assertThat(go.parse(b("{\"clientid\":\"c1\",\"password\":\"pw\",\"username\":\"d1\"}"), "application/json"))
                .isEqualTo(new CallbackRequest("d1", "pw", "c1", null, null));
        assertThat(go.parse(b("{\"acc\":4,\"clientid\":\"c1\",\"topic\":\"devices/d1/#\",\"username\":\"d1\"}"), "application/json"))
                .isEqualTo(new CallbackRequest("d1", null, "c1", "devices/d1/#", "4"));
        assertThat(go.parse(b("{\"username\":\"d1\"}"), null).username()).isEqualTo("d1");
    }

    @Test
    void goAuthFormBodies() {
        final GoAuthDialect go = new GoAuthDialect("json");
        assertThat(go.parse(b("acc=1&clientid=c1&topic=devices%2Fd1%2Fstate&username=d1"), "application/x-www-form-urlencoded"))
                .isEqualTo(new CallbackRequest("d1", null, "c1", "devices/d1/state", "1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "\"d1\"", "{", "{\"username\":1}", "{\"username\":\"\"}", "{\"acc\":\"x\",\"username\":\"a\"}",
        "{\"acc\":1.5,\"username\":\"a\"}", "{\"username\":\"a\",\"username\":\"b\"}", "{\"password\":\"x\"}"})
    void goAuthMalformedJson(final String body) {
        assertThatThrownBy(() -> new GoAuthDialect("status").parse(b(body), "application/json"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void goAuthUnknownContentTypeIsMalformed() {
        assertThatThrownBy(() -> new GoAuthDialect("status").parse(b("username=a"), "text/xml"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void goAuthResponseBodies() {
        assertThat(new GoAuthDialect("status").body(true)).isEmpty();
        assertThat(new GoAuthDialect("status").body(false)).isEmpty();
        assertThat(new GoAuthDialect("text").body(true)).isEqualTo("ok");
        assertThat(new GoAuthDialect("text").body(false)).isNotEqualTo("ok");
        assertThat(new GoAuthDialect("json").body(true)).isEqualTo("{\"ok\":true,\"error\":\"\"}");
        assertThat(new GoAuthDialect("JSON").body(false)).isEqualTo("{\"ok\":false,\"error\":\"denied\"}");
        assertThatThrownBy(() -> new GoAuthDialect("xml")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "0", "5", "x", "1234", "+1 "})
    void accOutsideOneToFourIsMalformed(final String acc) {
        assertThatThrownBy(() -> Access.parse(acc)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void accValues() {
        assertThat(Access.parse("1")).isEqualTo(Access.READ);
        assertThat(Access.parse("2")).isEqualTo(Access.WRITE);
        assertThat(Access.parse("3")).isEqualTo(Access.READWRITE);
        assertThat(Access.parse("4")).isEqualTo(Access.SUBSCRIBE);
    }
}
