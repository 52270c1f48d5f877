package io.caravan.eventsfanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant TS = Instant.parse("2026-11-26T12:00:00.123Z");

    private static JsonNode envelope(final String key, final String payload) throws Exception {
        return JSON.readTree(Envelope.of(RoutingKey.parse(key).orElseThrow(), payload == null ? null : payload.getBytes(StandardCharsets.UTF_8), TS));
    }

    @Test
    void jsonPayloadIsEmbeddedAsJson() throws Exception {
        final JsonNode e = envelope("users.alice.order", "{\"id\":7,\"items\":[1,2]}");
        assertThat(e.get("type").asText()).isEqualTo("order");
        assertThat(e.get("routingKey").asText()).isEqualTo("users.alice.order");
        assertThat(e.get("payload").get("id").asInt()).isEqualTo(7);
        assertThat(e.get("payload").get("items").size()).isEqualTo(2);
        assertThat(e.get("ts").asText()).isEqualTo("2026-11-26T12:00:00.123Z");
        assertThat(e.fieldNames()).toIterable().containsExactly("type", "routingKey", "payload", "ts");
    }

    @Test
    void scalarsAndArraysAreJsonToo() throws Exception {
        assertThat(envelope("broadcast.n", "42").get("payload").isNumber()).isTrue();
        assertThat(envelope("broadcast.n", "[1,2]").get("payload").isArray()).isTrue();
        assertThat(envelope("broadcast.n", "\"quoted\"").get("payload").asText()).isEqualTo("quoted");
        assertThat(envelope("broadcast.n", " {\"a\":1}\n").get("payload").get("a").asInt()).isEqualTo(1);
    }

    @Test
    void nonJsonPayloadBecomesAString() throws Exception {
        assertThat(envelope("broadcast.n", "hello world").get("payload").asText()).isEqualTo("hello world");
        assertThat(envelope("broadcast.n", "{\"a\":1} trailing").get("payload").asText()).isEqualTo("{\"a\":1} trailing");
        assertThat(envelope("broadcast.n", "{\"a\":").get("payload").asText()).isEqualTo("{\"a\":");
        assertThat(envelope("broadcast.n", "{\"a\":1}{\"b\":2}").get("payload").isTextual()).isTrue();
        assertThat(envelope("broadcast.n", "").get("payload").asText()).isEmpty();
        assertThat(envelope("broadcast.n", null).get("payload").asText()).isEmpty();
    }

    @Test
    void injectionInKeyOrPayloadStaysQuoted() throws Exception {
        final JsonNode e = envelope("users.a\",\"x\":\"y.t", "</script>\"\\");
        assertThat(e.get("routingKey").asText()).isEqualTo("users.a\",\"x\":\"y.t");
        assertThat(e.has("x")).isFalse();
        assertThat(e.get("payload").asText()).isEqualTo("</script>\"\\");
    }

    @Test
    void errorAndAckFrames() throws Exception {
        final JsonNode error = JSON.readTree(Envelope.error(403, "Forbidden", "you do not own this device", "d1"));
        assertThat(error.get("type").asText()).isEqualTo("error");
        assertThat(error.get("status").asInt()).isEqualTo(403);
        assertThat(error.get("deviceId").asText()).isEqualTo("d1");
        assertThat(JSON.readTree(Envelope.error(400, "Bad Request", "x", null)).has("deviceId")).isFalse();
        final JsonNode ack = JSON.readTree(Envelope.commandAccepted("d1", "devices/d1/commands"));
        assertThat(ack.get("type").asText()).isEqualTo("command.accepted");
        assertThat(ack.get("topic").asText()).isEqualTo("devices/d1/commands");
    }
}
