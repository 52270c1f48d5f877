package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.caravan.common.FreePorts;
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
import org.slf4j.LoggerFactory;

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

    private MqttAuth authWith(final RedisRegistry r, final boolean tokenAsUsername) {
        return new MqttAuth(superusers, r, new AclPolicy(AclTemplates.DEFAULTS), null, "mqtt_", "mqtt:service", tokenAsUsername, 3_600);
    }

    @Test
    void aWebUserConnectsWithTheTokenAsPasswordAndTheUserIdAsUsername() {
        registry.unregister("ma2");
        registry.register("ma2", true, List.of("ma-web"));
        final String token = registry.issueToken("ma-web", "mqtt_", 60);
        final String other = registry.issueToken("ma-other", "mqtt_", 60);
        assertThat(auth.authenticate("ma-web", token, "web-1")).isTrue();
        assertThat(auth.acl("ma-web", "web-1", "devices/ma2/state", Access.SUBSCRIBE)).isTrue();
        assertThat(auth.acl("ma-web", "web-1", "devices/ma2/commands/reboot", Access.WRITE)).isTrue();
        assertThat(auth.acl("ma-web", "web-1", "devices/ma1/state", Access.SUBSCRIBE)).isFalse();
        // someone else's token, a made-up token, the device's id with the token: refused
        assertThat(auth.authenticate("ma-web", other, "web-1")).isFalse();
        assertThat(auth.authenticate("ma-web", "mqtt_" + Secrets.generate(), "web-1")).isFalse();
        assertThat(auth.authenticate("ma2", token, "web-1")).isFalse();
        // the old form (token as username) is off by default
        assertThat(auth.authenticate(token, "x", "web-1")).isFalse();
        assertThat(auth.acl(token, "web-1", "devices/ma2/state", Access.SUBSCRIBE)).isFalse();
        // revoking the token ends the session's rights at once
        assertThat(registry.revokeToken(token, "ma-web")).isTrue();
        assertThat(auth.acl("ma-web", "web-1", "devices/ma2/state", Access.SUBSCRIBE)).isFalse();
        assertThat(auth.authenticate("ma-web", token, "web-1")).isFalse();
    }

    @Test
    void theOldTokenAsUsernameFormOnlyBehindItsSwitch() {
        registry.unregister("ma3");
        registry.register("ma3", true, List.of("ma-old"));
        final String token = registry.issueToken("ma-old", "mqtt_", 60);
        final MqttAuth old = authWith(registry, true);
        assertThat(old.authenticate(token, "x", "web-1")).isTrue();
        assertThat(old.acl(token, "web-1", "devices/ma3/state", Access.SUBSCRIBE)).isTrue();
        assertThat(old.authenticate("ma-old", token, "web-1")).as("the new form works as well").isTrue();
        assertThat(auth.authenticate(token, "x", "web-1")).isFalse();
    }

    @Test
    void noTokenOrPasswordIsLoggedAtDebug() {
        final String token = registry.issueToken("ma-log", "mqtt_", 60);
        final String secret = Secrets.generate();
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        final Logger logger = (Logger) LoggerFactory.getLogger("io.caravan.mqttacl");
        final Level level = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logger.addAppender(log);
        // a registry whose Redis is unreachable: every lookup fails, and each denial is logged at DEBUG
        try (RedisRegistry down = new RedisRegistry("redis://127.0.0.1:" + FreePorts.next(), 300, 200)) {
            down.start();
            for (final MqttAuth a : List.of(auth, authWith(registry, true), authWith(down, true), authWith(down, false))) {
                a.authenticate(token, "x", "web-1");
                a.authenticate("ma-log", token, "web-1");
                a.authenticate("ma-log", secret, "web-1");
                a.authenticate("ma-nobody", token, "web-1");
                a.acl(token, "web-1", "devices/x/state", Access.SUBSCRIBE);
                a.acl("ma-log", "web-1", "devices/x/state", Access.SUBSCRIBE);
            }
        } finally {
            logger.detachAppender(log);
            logger.setLevel(level);
        }
        assertThat(log.list).as("the denials were logged").anyMatch(e -> e.getLevel() == Level.DEBUG);
        final String secretPart = token.substring("mqtt_".length());
        for (final ILoggingEvent e : log.list) {
            final String text = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
            assertThat(text).doesNotContain(secretPart).doesNotContain(secret);
        }
    }

    @Test
    void aCertificateWhoseCnIsASuperusersNameGetsNoSuperuserRights() {
        // TLS listener with use_identity_as_username: no /auth call, then /superuser and /acl with username = CN
        registry.invalidate("all");
        try (var raw = io.lettuce.core.RedisClient.create("redis://" + RealBrokers.get().host() + ":" + RealBrokers.get().redisPort())
                .connect()) {
            raw.sync().del(RedisRegistry.PREFIX + "superuser:admin");
        }
        registry.invalidate("superuser:admin");
        final MqttAuth fresh = authWith(registry, false);
        final Superusers su = new Superusers("admin:" + Secrets.hashPassword("adminpw", 1_000), 60);
        final MqttAuth cn = new MqttAuth(su, registry, new AclPolicy(AclTemplates.DEFAULTS), null, "mqtt_", "mqtt:service", false, 3_600);
        assertThat(cn.isSuperuser("admin")).isFalse();
        assertThat(cn.acl("admin", "cert-client", "$SYS/broker/uptime", Access.SUBSCRIBE)).isFalse();
        assertThat(cn.acl("admin", "cert-client", "devices/ma1/commands/x", Access.WRITE)).isFalse();
        assertThat(fresh.isSuperuser("admin")).isFalse();
        // after a password check (on any replica) the superuser has its rights
        assertThat(cn.authenticate("admin", "adminpw", "ops-1")).isTrue();
        assertThat(cn.isSuperuser("admin")).isTrue();
        assertThat(cn.acl("admin", "ops-1", "$SYS/broker/uptime", Access.SUBSCRIBE)).isTrue();
    }

    @Test
    void aSuperuserStillLogsInAndGetsItsRightsWhileRedisIsDown() {
        try (RedisRegistry down = new RedisRegistry("redis://127.0.0.1:" + FreePorts.next(), 300, 200)) {
            down.start();
            final Superusers su = new Superusers("admin:" + Secrets.hashPassword("adminpw", 1_000), 60);
            final MqttAuth a = new MqttAuth(su, down, new AclPolicy(AclTemplates.DEFAULTS), null, "mqtt_", "mqtt:service", false, 3_600);
            assertThat(a.isSuperuser("admin")).isFalse();
            assertThat(a.authenticate("admin", "adminpw", "ops-1")).isTrue();
            assertThat(a.isSuperuser("admin")).isTrue();
            assertThat(a.acl("admin", "ops-1", "$SYS/broker/uptime", Access.SUBSCRIBE)).isTrue();
        }
    }
}
