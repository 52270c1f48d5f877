package io.caravan.eventsfanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.caravan.mqttacl.RegistryUnavailableException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventsFanoutTest {

    /** subject → keys, like ws-ticket's registry. */
    private final Map<String, Set<String>> bySubject = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> owners = new HashMap<>();
    private final Map<String, FakeSink> sinks = new HashMap<>();
    private boolean registryDown;
    private EventsFanout fanout;

    private final Connections connections = new Connections() {
        @Override
        public Set<String> connectionsOf(final String subject) {
            return Set.copyOf(bySubject.getOrDefault(subject, Set.of()));
        }

        @Override
        public Set<String> subjects() {
            return Set.copyOf(bySubject.keySet());
        }

        @Override
        public boolean isOpen(final String key) {
            return bySubject.values().stream().anyMatch(s -> s.contains(key));
        }
    };

    @BeforeEach
    void setUp() {
        connect("alice", "a1");
        connect("alice", "a2");
        connect("bob", "b1");
        connect("carol", "c1");
        owners.put("d1", Set.of("alice"));
        owners.put("d2", Set.of("alice", "bob"));
        fanout = newFanout(SlowClientPolicy.DROP_OLDEST, 8);
    }

    private EventsFanout newFanout(final SlowClientPolicy policy, final int capacity) {
        return new EventsFanout(connections, d -> {
            if (registryDown) {
                throw new RegistryUnavailableException("down", null);
            }
            return owners.getOrDefault(d, Set.of());
        }, sinks::get, capacity, 2, policy, Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC));
    }

    private void connect(final String subject, final String key) {
        bySubject.computeIfAbsent(subject, s -> new LinkedHashSet<>()).add(key);
        sinks.put(key, new FakeSink(true));
    }

    private int deliver(final String key, final String payload) {
        return fanout.deliver(key, payload.getBytes(StandardCharsets.UTF_8));
    }

    private int count(final String key) {
        return sinks.get(key).delivered.size();
    }

    @Test
    void userEventsReachEveryTabOfThatUserOnly() {
        assertThat(deliver("users.alice.notice", "{\"n\":1}")).isEqualTo(2);
        assertThat(count("a1")).isEqualTo(1);
        assertThat(count("a2")).isEqualTo(1);
        assertThat(count("b1")).isZero();
        assertThat(count("c1")).isZero();
        assertThat(sinks.get("a1").delivered.get(0)).isEqualTo(
                "{\"type\":\"notice\",\"routingKey\":\"users.alice.notice\",\"payload\":{\"n\":1},\"ts\":\"2026-11-26T12:00:00Z\"}");
    }

    @Test
    void deviceEventsReachTheOwnersOnly() {
        assertThat(deliver("devices.d1.state", "{}")).isEqualTo(2);
        assertThat(count("b1")).isZero();
        assertThat(deliver("devices.d2.state", "{}")).isEqualTo(3);
        assertThat(count("a1")).isEqualTo(2);
        assertThat(count("b1")).isEqualTo(1);
        assertThat(count("c1")).isZero();
        assertThat(deliver("devices.unknown.state", "{}")).isZero();
    }

    @Test
    void broadcastReachesEverySocket() {
        assertThat(deliver("broadcast.maintenance", "\"at 5\"")).isEqualTo(4);
        sinks.keySet().forEach(k -> assertThat(count(k)).as(k).isEqualTo(1));
    }

    @Test
    void unroutableAndOfflineAudiencesDeliverNothing() {
        assertThat(deliver("orders.1.created", "{}")).isZero();
        assertThat(deliver("users.dave.notice", "{}")).isZero();
        assertThat(deliver(null, "{}")).isZero();
        assertThat(fanout.stats().unroutable()).isEqualTo(2);
        assertThat(fanout.stats().events()).isEqualTo(3);
        sinks.keySet().forEach(k -> assertThat(count(k)).isZero());
    }

    @Test
    void aRegisteredKeyWithoutAnOpenSocketIsSkipped() {
        connect("erin", "e1");
        sinks.remove("e1");
        assertThat(deliver("users.erin.x", "1")).isZero();
        assertThat(deliver("broadcast.x", "1")).isEqualTo(4);
    }

    @Test
    void registryOutageSurfacesForDeviceEventsOnly() {
        registryDown = true;
        assertThatThrownBy(() -> deliver("devices.d1.state", "{}")).isInstanceOf(RegistryUnavailableException.class);
        assertThat(deliver("users.alice.x", "1")).isEqualTo(2);
    }

    @Test
    void oneStalledSocketDoesNotHoldUpTheOthers() {
        sinks.put("b1", new FakeSink(false));
        for (int i = 0; i < 100; i++) {
            deliver("broadcast.tick", String.valueOf(i));
        }
        assertThat(count("a1")).isEqualTo(100);
        assertThat(count("c1")).isEqualTo(100);
        assertThat(fanout.stats().dropped()).isEqualTo(100 - 2 - 8);
        sinks.get("b1").drainAll();
        assertThat(sinks.get("b1").delivered).hasSize(10).last().asString().contains("\"payload\":99");
    }

    @Test
    void closePolicyClosesOnlyTheStalledSocketAndForgetsIt() {
        fanout = newFanout(SlowClientPolicy.CLOSE, 4);
        final FakeSink stalled = new FakeSink(false);
        sinks.put("b1", stalled);
        for (int i = 0; i < 20; i++) {
            deliver("broadcast.tick", String.valueOf(i));
        }
        assertThat(stalled.closeCode).isEqualTo(Outbox.TRY_AGAIN_LATER);
        assertThat(fanout.stats().closedSlow()).isEqualTo(1);
        assertThat(count("a1")).isEqualTo(20);
        assertThat(fanout.outboxCount()).isEqualTo(3);
    }

    @Test
    void sweepForgetsClosedAndUnregisteredSockets() {
        deliver("broadcast.x", "1");
        assertThat(fanout.outboxCount()).isEqualTo(4);
        bySubject.get("alice").remove("a2");
        sinks.get("c1").close((short) 1000, "bye");
        assertThat(fanout.sweep()).isEqualTo(2);
        assertThat(fanout.outboxCount()).isEqualTo(2);
        assertThat(fanout.sweep()).isZero();
    }

    @Test
    void sendAnswersOneSocket() {
        assertThat(fanout.send("b1", "{\"type\":\"error\"}")).isTrue();
        assertThat(fanout.send("nobody", "{}")).isFalse();
        assertThat(count("b1")).isEqualTo(1);
        assertThat(count("a1")).isZero();
    }
}
