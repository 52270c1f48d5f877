package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void generatedSecretsHave256BitsAndDiffer() {
        final Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            final String s = Secrets.generate();
            assertThat(java.util.Base64.getUrlDecoder().decode(s)).hasSize(32);
            assertThat(seen.add(s)).isTrue();
        }
    }

    @Test
    void saltedSha256RoundTripAndSaltsDiffer() {
        final String secret = Secrets.generate();
        final String h1 = Secrets.hashGenerated(secret);
        final String h2 = Secrets.hashGenerated(secret);
        assertThat(h1).startsWith("s256$").isNotEqualTo(h2).doesNotContain(secret);
        assertThat(Secrets.verify(secret, h1)).isTrue();
        assertThat(Secrets.verify(secret, h2)).isTrue();
        assertThat(Secrets.verify(secret + "x", h1)).isFalse();
        assertThat(Secrets.verify("", h1)).isFalse();
        assertThat(Secrets.verify(null, h1)).isFalse();
    }

    @Test
    void pbkdf2RoundTrip() {
        final String h = Secrets.hashPassword("correct horse", 1000);
        assertThat(h).startsWith("pbkdf2$1000$");
        assertThat(Secrets.verify("correct horse", h)).isTrue();
        assertThat(Secrets.verify("correct hors", h)).isFalse();
    }

    @Test
    void malformedStoredHashesNeverVerify() {
        for (final String stored : new String[] {"", "s256$", "s256$$", "s256$!!$!!", "pbkdf2$x$a$b", "pbkdf2$0$a$b",
            "md5$a$b", "plain", "pbkdf2$99999999$a$b"}) {
            assertThat(Secrets.verify("x", stored)).as(stored).isFalse();
        }
    }

    @Test
    void generatedSecretCheckIsFarFasterThanTheSlowHash() {
        final String secret = Secrets.generate();
        final String fast = Secrets.hashGenerated(secret);
        final String slow = Secrets.hashPassword(secret, Secrets.PBKDF2_DEFAULT_ITERATIONS);
        final long t0 = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            assertThat(Secrets.verify(secret, fast)).isTrue();
        }
        final long fastPer = (System.nanoTime() - t0) / 1000;
        final long t1 = System.nanoTime();
        assertThat(Secrets.verify(secret, slow)).isTrue();
        final long slowPer = System.nanoTime() - t1;
        assertThat(slowPer).isGreaterThan(100 * fastPer);
    }

    @Test
    void superusersCacheSuccessBrieflyAndNeverFailures() {
        final AtomicLong now = new AtomicLong(1_000_000);
        final Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(final java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        final Superusers su = new Superusers("admin:" + Secrets.hashPassword("pw", 1000) + ", ops:" + Secrets.hashPassword("o", 1000), 60, clock);
        assertThat(su.isSuperuser("admin")).isTrue();
        assertThat(su.isSuperuser("ops")).isTrue();
        assertThat(su.isSuperuser("d1")).isFalse();
        assertThat(su.authenticate("admin", "pw")).isTrue();
        assertThat(su.authenticate("admin", "wrong")).isFalse();
        assertThat(su.authenticate("admin", "")).isFalse();
        assertThat(su.authenticate("ops", "pw")).isFalse();
        now.addAndGet(59_000);
        assertThat(su.authenticate("admin", "pw")).isTrue();
        now.addAndGet(2_000);
        assertThat(su.authenticate("admin", "pw")).isTrue();
    }

    @Test
    void superuserConfigErrors() {
        assertThatThrownBy(() -> new Superusers("admin", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Superusers("a/b:x", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Superusers("admin:", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Superusers("", 1).isSuperuser("admin")).isFalse();
    }

    @Test
    void jwtShape() {
        assertThat(MqttAuth.looksLikeJwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")).isTrue();
        assertThat(MqttAuth.looksLikeJwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0")).isFalse();
        assertThat(MqttAuth.looksLikeJwt(Secrets.generate())).isFalse();
    }
}
