package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The superusers' slow check is bounded: per-name failures, concurrent hashes; no timing assertions. */
class SuperusersTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    @Test
    void wrongPasswordsAreHashedAtMostMaxFailuresTimesPerWindow() {
        final Superusers su = new Superusers("admin:" + Secrets.hashPassword("pw", 1000), 60, clock,
                new Superusers.Limits(5, 60, 1, 0, 100));
        for (int i = 0; i < 100; i++) {
            assertThat(su.authenticate("admin", "wrong-" + i)).isFalse();
        }
        assertThat(su.hashesComputed()).isEqualTo(5);
        assertThat(su.deniedLockedOut()).isEqualTo(95);
        // locked out: even the right password is not checked until the window ends
        assertThat(su.authenticate("admin", "pw")).isFalse();
        assertThat(su.hashesComputed()).isEqualTo(5);
        now.addAndGet(60_000);
        assertThat(su.authenticate("admin", "pw")).isTrue();
        assertThat(su.failuresOf("admin")).isZero();
        // a superuser whose password was accepted recently is not locked out by someone else's failures
        for (int i = 0; i < 10; i++) {
            assertThat(su.authenticate("admin", "bad")).isFalse();
        }
        assertThat(su.authenticate("admin", "pw")).isTrue();
        assertThat(su.hashesComputed()).isEqualTo(6 + 5);
    }

    @Test
    void theFailureCounterIsBoundedAcrossManyNames() {
        final Superusers su = new Superusers("admin:" + Secrets.hashPassword("pw", 10), 60, clock,
                new Superusers.Limits(5, 60, 1, 0, 100));
        for (int i = 0; i < 2_000; i++) {
            assertThat(su.check("nobody-" + i, "x")).isFalse();
        }
        assertThat(su.trackedNames()).isLessThanOrEqualTo(100);
    }

    @Test
    void atMostTheConfiguredNumberOfSlowHashesRunAtOnce() throws Exception {
        // 32 clients retrying CONNECT as the superuser and as unknown names, all with wrong passwords
        final Superusers su = new Superusers("admin:" + Secrets.hashPassword("pw", 20_000), 60, clock,
                new Superusers.Limits(1_000, 60, 2, 0, 1_000));
        final int threads = 32;
        final int attempts = 10;
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        final CountDownLatch go = new CountDownLatch(1);
        try {
            final List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final String name = t % 2 == 0 ? "admin" : "nobody-" + t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < attempts; i++) {
                        assertThat(su.check(name, "wrong")).isFalse();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (final Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(su.maxConcurrentHashesSeen()).isBetween(1, 2);
        assertThat(su.hashesComputed() + su.deniedBusy() + su.deniedLockedOut()).isEqualTo((long) threads * attempts);
    }

    @Test
    void aFloodOfRandomNamesGetsAtMostTheHashRatePerSecond() {
        final Superusers su = new Superusers("admin:" + Secrets.hashPassword("pw", 1000), 60, clock,
                new Superusers.Limits(5, 60, 1, 0, 10_000, 5));
        for (int i = 0; i < 1_000; i++) {
            assertThat(su.check("random-" + i, "x")).isFalse();
        }
        assertThat(su.hashesComputed()).isEqualTo(5);
        assertThat(su.deniedBusy()).isEqualTo(995);
        // a superuser's attempt meanwhile is denied just the same: the rate tells nothing about names
        assertThat(su.check("admin", "pw")).isFalse();
        assertThat(su.hashesComputed()).isEqualTo(5);
        now.addAndGet(1_000);
        assertThat(su.check("admin", "pw")).isTrue();
        for (int i = 0; i < 100; i++) {
            su.check("random-b" + i, "x");
        }
        assertThat(su.hashesComputed()).isEqualTo(5 + 5);
    }

    @Test
    void withoutSuperusersNothingIsHashed() {
        final Superusers su = new Superusers("", 60, clock);
        assertThat(su.check("anyone", "x")).isFalse();
        assertThat(su.hashesComputed()).isZero();
    }
}
