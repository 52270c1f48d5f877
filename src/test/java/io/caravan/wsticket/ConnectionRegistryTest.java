package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

class ConnectionRegistryTest {

    private final ConnectionRegistry registry = new ConnectionRegistry();

    @Test
    void registersSeveralConnectionsPerSubject() {
        assertThat(registry.register("k1", "alice")).isTrue();
        assertThat(registry.register("k2", "alice")).isTrue();
        assertThat(registry.register("k3", "bob")).isTrue();

        assertThat(registry.connectionsOf("alice")).containsExactlyInAnyOrder("k1", "k2");
        assertThat(registry.connectionKeysOf("alice")).matches("k1,k2|k2,k1");
        assertThat(registry.connectionsOf("bob")).containsExactly("k3");
        assertThat(registry.subjectOf("k3")).hasValue("bob");
        assertThat(registry.subjects()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(registry.size()).isEqualTo(3);
    }

    @Test
    void aKeyBelongsToOneSubjectOnly() {
        registry.register("k1", "alice");

        assertThat(registry.register("k1", "alice")).as("idempotent").isTrue();
        assertThat(registry.register("k1", "mallory")).isFalse();
        assertThat(registry.subjectOf("k1")).hasValue("alice");
        assertThat(registry.connectionsOf("mallory")).isEmpty();
    }

    @Test
    void unregisterForgetsTheKeyAndEmptySubjects() {
        registry.register("k1", "alice");
        registry.register("k2", "alice");

        assertThat(registry.unregister("k1")).isTrue();
        assertThat(registry.unregister("k1")).isFalse();
        assertThat(registry.connectionsOf("alice")).containsExactly("k2");
        registry.unregister("k2");
        assertThat(registry.connectionsOf("alice")).isEmpty();
        assertThat(registry.connectionKeysOf("alice")).isEmpty();
        assertThat(registry.subjects()).isEmpty();
        assertThat(registry.unregister(null)).isFalse();
    }

    @Test
    void unknownOrNullLookupsAreEmpty() {
        assertThat(registry.connectionsOf("nobody")).isEmpty();
        assertThat(registry.connectionsOf(null)).isEmpty();
        assertThat(registry.subjectOf(null)).isEmpty();
        assertThat(registry.subjectOf("k")).isEmpty();
    }

    @Test
    void snapshotsAreImmutable() {
        registry.register("k1", "alice");
        assertThatThrownBy(() -> registry.connectionsOf("alice").add("k9")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void blankArgumentsAreRejected() {
        assertThatThrownBy(() -> registry.register(" ", "alice")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.register("k", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentRegisterAndUnregisterStayConsistent() {
        final List<CompletableFuture<Void>> work = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            final int thread = t;
            work.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 2000; i++) {
                    final String key = "k" + thread + "-" + i;
                    registry.register(key, "s" + (i % 3));
                    if (i % 2 == 0) {
                        registry.unregister(key);
                    }
                }
            }));
        }
        work.forEach(CompletableFuture::join);

        assertThat(registry.size()).isEqualTo(8 * 1000);
        final int total = registry.connectionsOf("s0").size() + registry.connectionsOf("s1").size() + registry.connectionsOf("s2").size();
        assertThat(total).isEqualTo(8 * 1000);
    }
}
