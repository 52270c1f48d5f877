package io.caravan.eventsfanout;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RoutingKeyTest {

    @ParameterizedTest
    @CsvSource({
            "users.alice.notification, USER, alice, notification",
            "users.a.b.c, USER, a.b, c",
            "devices.d1.state, DEVICE, d1, state",
            "devices.sensor-42.alarm, DEVICE, sensor-42, alarm",
            "users.caravan-admin.order_shipped, USER, caravan-admin, order_shipped"})
    void addressedKeys(final String raw, final RoutingKey.Kind kind, final String id, final String type) {
        final RoutingKey key = RoutingKey.parse(raw).orElseThrow();
        assertThat(key.kind()).isEqualTo(kind);
        assertThat(key.id()).isEqualTo(id);
        assertThat(key.type()).isEqualTo(type);
        assertThat(key.raw()).isEqualTo(raw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"broadcast.maintenance", "broadcast.x"})
    void broadcast(final String raw) {
        final RoutingKey key = RoutingKey.parse(raw).orElseThrow();
        assertThat(key.kind()).isEqualTo(RoutingKey.Kind.BROADCAST);
        assertThat(key.id()).isNull();
        assertThat(key.type()).isEqualTo(raw.substring("broadcast.".length()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "users", "users.", "users.alice", "users.alice.", "users..x", "users.a..b.c", ".users.a.b",
            "devices.d1", "devices..state", "broadcast", "broadcast.", "broadcast.a.b", "orders.1.created", "Users.alice.x",
            "usersalice.x"})
    void notAnAudience(final String raw) {
        assertThat(RoutingKey.parse(raw)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void nullAndOverlongKeys() {
        assertThat(RoutingKey.parse(null)).isEmpty();
        assertThat(RoutingKey.parse("users." + "a".repeat(300) + ".x")).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void deviceKey() {
        assertThat(RoutingKey.ofDevice("d1", "state")).isEqualTo("devices.d1.state");
    }
}
