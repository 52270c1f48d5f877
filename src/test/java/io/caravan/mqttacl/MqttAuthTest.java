package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;

import io.caravan.common.RealBrokers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.caravan.common.RealBrokersExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link MqttAuth}'s decisions against the registry in the real Redis. */
@ExtendWith(RealBrokersExtension.class)
class MqttAuthTest {

    RedisRegistry registry;
    Superusers superusers;
    MqttAuth auth;

    @BeforeEach
    void start() {
        final RealBrokers brokers = RealBrokers.get();
        registry = new RedisRegistry("redis://" + brokers.host() + ":" + brokers.redisPort(), 300, 2_000);
        registry.start();
        superusers = new Superusers("admin:" + Secrets.hashPassword("adminpw", 1_000), 60, Clock.systemUTC(),
                new Superusers.Limits(5, 60, 1, 1_000, 1_000));
        auth = new MqttAuth(superusers, registry, new AclPolicy(AclTemplates.DEFAULTS), null, "mqtt_", "mqtt:service");
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void anUnknownNameAndASuperuserWithAWrongPasswordTakeTheSamePath() {
        registry.unregister("ma-dev");
        final String secret = registry.register("ma-dev", true, List.of());
        for (final String name : List.of("admin", "ma-nobody")) {
            final long hashes = superusers.hashesComputed();
            final long locked = superusers.deniedLockedOut();
            for (int i = 0; i < 8; i++) {
                assertThat(auth.authenticate(name, "wrong-" + i, "c1")).as(name).isFalse();
            }
            assertThat(superusers.failuresOf(name)).as(name).isEqualTo(5);
            assertThat(superusers.hashesComputed() - hashes).as(name).isEqualTo(5);
            assertThat(superusers.deniedLockedOut() - locked).as(name).isEqualTo(3);
        }
        // devices are never locked out (their check is fast) and are not counted
        for (int i = 0; i < 8; i++) {
            assertThat(auth.authenticate("ma-dev", "wrong", "c1")).isFalse();
        }
        assertThat(superusers.failuresOf("ma-dev")).isZero();
        assertThat(auth.authenticate("ma-dev", secret, "c1")).isTrue();
        assertThat(auth.authenticate("admin", "adminpw", "c1")).as("locked out for the window").isFalse();
    }

    /** Commands Redis has executed so far that read registry keys (INFO commandstats). */
    private static long redisReads() {
        final RealBrokers brokers = RealBrokers.get();
        final RedisClient client = RedisClient.create("redis://" + brokers.host() + ":" + brokers.redisPort());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            long calls = 0;
            for (final String line : c.sync().info("commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_hgetall:") || line.startsWith("cmdstat_smembers:") || line.startsWith("cmdstat_get:")
                        || line.startsWith("cmdstat_exists:")) {
                    calls += Long.parseLong(line.replaceAll(".*calls=(\\d+),.*", "$1"));
                }
            }
            return calls;
        } finally {
            client.shutdown();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ma1:owners", "ma1:x", "a b", "a\tb", "a/b", "+", "#", "a\u0000b", "a\u200bb", "a\u007fb", ""})
    void namesThatWouldBreakARedisKeyOrATopicAreDeniedWithoutAskingRedis(final String name) {
        registry.unregister("ma1");
        registry.register("ma1", true, List.of("ma-ann"));
        final long before = redisReads();
        assertThat(auth.authenticate(name, "x", "c1")).isFalse();
        assertThat(auth.acl(name, "c1", "devices/ma1/state", Access.WRITE)).isFalse();
        assertThat(auth.acl(name, "c1", "devices/ma1/commands/x", Access.READ)).isFalse();
        assertThat(auth.isSuperuser(name)).isFalse();
        assertThat(registry.device(name)).isEmpty();
        assertThat(registry.devicesOf(name)).isEmpty();
        assertThat(registry.isServiceSession(name)).isFalse();
        assertThat(redisReads()).as("Redis reads").isEqualTo(before);
        assertThat(registry.isUp()).isTrue();
        assertThat(superusers.failuresOf(name)).isZero();
    }

    @Test
    void aTooLongNameIsDeniedWithoutAskingRedis() {
        final long before = redisReads();
        assertThat(auth.authenticate("x".repeat(257), "x", "c1")).isFalse();
        assertThat(auth.acl("x".repeat(257), "c1", "devices/x/state", Access.WRITE)).isFalse();
        assertThat(redisReads()).isEqualTo(before);
    }
}
