package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;

import io.caravan.common.RealBrokers;
import io.caravan.common.RealBrokersExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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
}
