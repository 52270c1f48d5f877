package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.caravan.common.RealBrokers;
import io.caravan.common.RealBrokersExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** Two replicas of the registry on the real Redis: changes on one are seen at once by the other. */
@ExtendWith(RealBrokersExtension.class)
class RedisRegistryTest {

    RedisRegistry a;
    RedisRegistry b;

    @BeforeEach
    void start() {
        final RealBrokers brokers = RealBrokers.get();
        final String uri = "redis://" + brokers.host() + ":" + brokers.redisPort();
        a = new RedisRegistry(uri, 300, 500);
        b = new RedisRegistry(uri, 300, 500);
        a.start();
        b.start();
        for (final String d : List.of("r1", "r2", "r3")) {
            a.unregister(d);
        }
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void lettuceKeepsNoCommandLatencyHistograms() throws Exception {
        // this classpath has LatencyUtils (as the Spring Boot gateway's has): Lettuce would record by default
        assertThat(Class.forName("org.LatencyUtils.LatencyStats")).isNotNull();
        assertThat(a.recordsCommandLatencies()).isFalse();
    }

    /** Pub/sub delivery to another replica is asynchronous: allow it a few milliseconds. */
    private static void soon(final org.awaitility.core.ThrowingRunnable assertion) {
        Awaitility.await().atMost(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(2)).untilAsserted(assertion);
    }

    @Test
    void registerRotateOwnUnregisterAreSeenByTheOtherReplicaAtOnce() {
        assertThat(b.device("r1")).isEmpty(); // cached as unknown on b
        final String secret = a.register("r1", true, List.of("ann"));
        soon(() -> assertThat(b.device("r1")).hasValueSatisfying(d -> {
            assertThat(Secrets.verify(secret, d.secretHash())).isTrue();
            assertThat(d.owners()).containsExactly("ann");
        }));
        soon(() -> assertThat(b.devicesOf("ann")).containsExactly("r1"));
        assertThat(b.owns("ann", "r1")).isTrue();

        final String rotated = a.rotateSecret("r1").orElseThrow();
        soon(() -> assertThat(Secrets.verify(secret, b.device("r1").orElseThrow().secretHash())).isFalse());
        assertThat(Secrets.verify(rotated, b.device("r1").orElseThrow().secretHash())).isTrue();

        assertThat(a.setOwner("r1", "ben", true)).isTrue();
        soon(() -> assertThat(b.ownersOf("r1")).containsExactlyInAnyOrder("ann", "ben"));
        soon(() -> assertThat(b.devicesOf("ben")).containsExactly("r1"));
        assertThat(a.setOwner("r1", "ann", false)).isTrue();
        soon(() -> assertThat(b.devicesOf("ann")).isEmpty());
        assertThat(b.owns("ann", "r1")).isFalse();
        // the writing replica itself sees its change immediately
        assertThat(a.devicesOf("ann")).isEmpty();

        assertThat(a.unregister("r1")).isTrue();
        assertThat(a.device("r1")).isEmpty();
        soon(() -> assertThat(b.device("r1")).isEmpty());
        soon(() -> assertThat(b.devicesOf("ben")).isEmpty());
        assertThat(a.unregister("r1")).isFalse();
        assertThat(a.setOwner("r1", "x", true)).isFalse();
        assertThat(a.rotateSecret("r1")).isEmpty();
    }

    @Test
    void aFloodOfUnknownNamesStaysWithinTheCacheBoundsAndKnownDevicesStillAnswer() {
        final String uri = "redis://" + RealBrokers.get().host() + ":" + RealBrokers.get().redisPort();
        final RedisRegistry.CacheLimits limits = new RedisRegistry.CacheLimits(1_000, 3_600, 500, 60);
        try (RedisRegistry c = new RedisRegistry(uri, 300, 2_000, limits)) {
            c.start();
            final String secret = a.register("r1", true, List.of("flood-owner"));
            assertThat(c.device("r1")).isPresent();
            assertThat(c.devicesOf("flood-owner")).containsExactly("r1");
            // what 50,000 CONNECTs and ACL checks with random usernames cause: devices, tokens, services, users
            for (int i = 0; i < 50_000; i++) {
                final String name = "flood-" + i;
                switch (i % 4) {
                    case 0 -> assertThat(c.device(name)).isEmpty();
                    case 1 -> assertThat(c.token("mqtt_" + name)).isEmpty();
                    case 2 -> assertThat(c.isServiceSession(name)).isFalse();
                    default -> assertThat(c.devicesOf(name)).isEmpty();
                }
            }
            // the two found entries (r1, ann's devices) plus at most the negative bound
            assertThat(c.cacheSize()).isLessThanOrEqualTo(2 + limits.negativeMaxEntries());
            assertThat(c.device("r1")).hasValueSatisfying(d -> assertThat(Secrets.verify(secret, d.secretHash())).isTrue());
            assertThat(c.devicesOf("flood-owner")).containsExactly("r1");
            // a "not found" answer is dropped at once when the name gets registered
            assertThat(c.device("flood-49996")).isEmpty();
            a.register("flood-49996", false, List.of());
            try {
                soon(() -> assertThat(c.device("flood-49996")).isPresent());
            } finally {
                a.unregister("flood-49996");
            }
        }
    }

    @Test
    void foundEntriesAreBoundedToo() {
        final String uri = "redis://" + RealBrokers.get().host() + ":" + RealBrokers.get().redisPort();
        try (RedisRegistry c = new RedisRegistry(uri, 300, 2_000, new RedisRegistry.CacheLimits(50, 3_600, 10, 60))) {
            c.start();
            final List<String> tokens = new java.util.ArrayList<>();
            for (int i = 0; i < 300; i++) {
                tokens.add(a.issueToken("user-" + i, "mqtt_", 60));
            }
            for (final String t : tokens) {
                assertThat(c.token(t)).isPresent();
            }
            assertThat(c.cacheSize()).isLessThanOrEqualTo(50 + 10);
            assertThat(c.token(tokens.get(0))).hasValueSatisfying(t -> assertThat(t.subject()).isEqualTo("user-0"));
        }
    }

    @Test
    void idsThatWouldBreakTheKeyStructureAreRefusedAndNothingIsWritten() {
        a.register("r1", false, List.of("ann"));
        for (final String bad : List.of("r1:owners", "x:y", "a b", "a/b", "+", "#", "", "a\nb", "x".repeat(129))) {
            assertThatThrownBy(() -> a.register(bad, true, List.of())).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.unregister(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.rotateSecret(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThat(a.device(bad)).as(bad).isEmpty();
        }
        for (final String bad : List.of("u:x", "a b", "a/b", "+", "#", "", "a\u0001b", "x".repeat(257))) {
            assertThatThrownBy(() -> a.register("r2", true, List.of("ok", bad))).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.setOwner("r1", bad, true)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.issueToken(bad, "mqtt_", 60)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThat(a.devicesOf(bad)).as(bad).isEmpty();
        }
        a.invalidate("all");
        assertThat(a.device("r2")).isEmpty();
        assertThat(a.devicesOf("ok")).isEmpty();
        assertThat(a.device("r1")).hasValueSatisfying(d -> assertThat(d.owners()).containsExactly("ann"));
    }

    @Test
    void aWrongTypeAnswerIsADataErrorNotAnOutage() {
        final RealBrokers brokers = RealBrokers.get();
        final io.lettuce.core.RedisClient raw = io.lettuce.core.RedisClient.create("redis://" + brokers.host() + ":" + brokers.redisPort());
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        final Logger logger = (Logger) LoggerFactory.getLogger(RedisRegistry.class);
        logger.addAppender(log);
        try (var c = raw.connect()) {
            // a key of the registry's namespace holding the wrong kind of value (an older layout, a hand edit)
            c.sync().set(RedisRegistry.PREFIX + "device:wt1", "not a hash");
            assertThatThrownBy(() -> a.device("wt1")).isInstanceOf(RedisRegistry.DataException.class)
                    .hasMessageContaining("WRONGTYPE").isNotInstanceOf(RegistryUnavailableException.class);
            assertThat(a.isUp()).isTrue();
            assertThat(a.lastError()).doesNotContain("WRONGTYPE");
            assertThat(log.list).noneMatch(e -> e.getFormattedMessage().contains("unreachable"));
            assertThat(log.list).anyMatch(e -> e.getFormattedMessage().contains("WRONGTYPE"));
            assertThat(a.device("r3")).isEmpty(); // the registry keeps working
            c.sync().del(RedisRegistry.PREFIX + "device:wt1");
        } finally {
            logger.detachAppender(log);
            raw.shutdown();
        }
    }

    @Test
    void registeringTwiceIsAConflictAndCertificateDevicesHaveNoSecret() {
        assertThat(a.register("r2", false, List.of())).isNull();
        assertThat(a.device("r2")).hasValueSatisfying(d -> assertThat(d.hasSecret()).isFalse());
        assertThatThrownBy(() -> a.register("r2", true, List.of())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tokensAreValidUntilRevokedOnEveryReplica() {
        final String token = a.issueToken("ann", "mqtt_", 60);
        assertThat(token).startsWith("mqtt_");
        soon(() -> assertThat(b.token(token)).hasValueSatisfying(t -> assertThat(t.subject()).isEqualTo("ann")));
        assertThat(b.token(token + "x")).isEmpty();
        assertThat(a.revokeToken(token, "bob")).isFalse();
        assertThat(b.token(token)).isPresent();
        assertThat(a.revokeToken(token, "ann")).isTrue();
        assertThat(a.token(token)).isEmpty();
        soon(() -> assertThat(b.token(token)).isEmpty());
    }

    @Test
    void tokensExpire() {
        final String token = a.issueToken("ann", "mqtt_", 1);
        assertThat(b.token(token)).isPresent();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> b.token(token).isEmpty());
    }

    @Test
    void redisDownAnswersFromCacheDeniesTheRestLogsOnceAndRecovers() {
        final String secret = a.register("r3", true, List.of("ann"));
        soon(() -> assertThat(b.device("r3")).isPresent());
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        final Logger logger = (Logger) LoggerFactory.getLogger(RedisRegistry.class);
        logger.addAppender(log);
        final RealBrokers brokers = RealBrokers.get();
        brokers.stop("redis");
        try {
            for (int i = 0; i < 20; i++) {
                assertThat(b.device("r3")).isPresent(); // cached
                assertThatThrownBy(() -> b.device("unknown-" + Math.random())).isInstanceOf(RegistryUnavailableException.class);
                assertThatThrownBy(() -> b.devicesOf("nobody")).isInstanceOf(RegistryUnavailableException.class);
            }
            assertThat(b.ping()).isFalse();
            assertThat(b.isUp()).isFalse();
            assertThat(log.list).filteredOn(e -> e.getLevel().toString().equals("WARN")).hasSize(1);
        } finally {
            brokers.start("redis");
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(b::ping);
        assertThat(b.isUp()).isTrue();
        // the test Redis keeps no data across a restart: a fresh answer proves the stale cache is gone
        assertThat(b.device("r3")).isEmpty();
        assertThat(secret).isNotEmpty();
        logger.detachAppender(log);
    }
}
