package io.caravan.mqttacl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Superusers from configuration ({@code name:pbkdf2$...}, comma-separated), and the slow password
 * check that guards them. A successful check is remembered in memory for a short time (keyed by a
 * digest of the password), so a reconnecting superuser does not pay the slow hash each time.
 * <p>
 * The slow hash is what an attacker who reaches the broker can make us compute, so:
 * <ul>
 * <li>failed checks are counted per name in a bounded window ({@link Limits#maxFailures()} per
 * {@link Limits#failureWindowSeconds()}); past that, the name is denied without hashing until the
 * window ends (a correct password seen recently still works);</li>
 * <li>at most {@link Limits#maxConcurrentHashes()} slow hashes run at once, and at most
 * {@link Limits#maxHashesPerSecond()} per second; a check that gets no slot within
 * {@link Limits#hashWaitMillis()}, or no room in the rate, is denied, so other callbacks never starve
 * (and Mosquitto, which blocks on every callback, waits on a slow hash only so often);</li>
 * <li>{@link #check} takes the same path for a name that is no superuser (the caller sends unknown
 * names here too): counted in the same limiter, hashed against a dummy of the same cost, so
 * neither the answer, the lockout nor the time tells which names are superusers.</li>
 * </ul>
 */
public final class Superusers {

    /**
     * Bounds of the slow check (mqtt-acl.superuser.* in routes/mqtt-acl/application.properties).
     *
     * @param maxFailures          failed checks per name and window before it is denied without hashing
     * @param failureWindowSeconds the window (from the first failure); also how long a lockout lasts at most
     * @param maxConcurrentHashes  slow hashes running at once, all names together
     * @param hashWaitMillis       how long a check waits for a free slot before it is denied (0: not at all)
     * @param trackedNames         names whose failures are remembered (the least used are forgotten first)
     * @param maxHashesPerSecond   slow hashes per second, all names together (burst: one second's worth); 0: no limit
     */
    public record Limits(int maxFailures, long failureWindowSeconds, int maxConcurrentHashes, long hashWaitMillis,
            long trackedNames, int maxHashesPerSecond) {

        public static final Limits DEFAULTS = new Limits(5, 60, 1, 0, 10_000, 5);

        public Limits {
            if (maxFailures < 1 || failureWindowSeconds < 1 || maxConcurrentHashes < 1 || hashWaitMillis < 0 || trackedNames < 1
                    || maxHashesPerSecond < 0) {
                throw new IllegalArgumentException("superuser limits must be positive: " + maxFailures + ", " + failureWindowSeconds
                        + ", " + maxConcurrentHashes + ", " + hashWaitMillis + ", " + trackedNames + ", " + maxHashesPerSecond);
            }
        }

        /** Without a rate limit. */
        public Limits(final int maxFailures, final long failureWindowSeconds, final int maxConcurrentHashes, final long hashWaitMillis,
                final long trackedNames) {
            this(maxFailures, failureWindowSeconds, maxConcurrentHashes, hashWaitMillis, trackedNames, 0);
        }
    }

    private final Map<String, String> hashes;
    private final long cacheMillis;
    private final Clock clock;
    private final Limits limits;
    private final Map<String, Remembered> recent = new ConcurrentHashMap<>();
    /** Failed checks per name: count and the window's start (millis of {@link #clock}). */
    private final Cache<String, Failures> failures;
    private final Semaphore slots;
    /** What an unknown name is hashed against: the cost of a configured superuser's hash; null when there are none. */
    private final String dummy;
    private final AtomicLong hashesComputed = new AtomicLong();
    private final AtomicLong deniedLockedOut = new AtomicLong();
    private final AtomicLong deniedBusy = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    /** Token bucket of {@link Limits#maxHashesPerSecond()}: hashes that may start now, and when it was last refilled. */
    private double budget;
    private long budgetAt;

    private record Remembered(byte[] digest, long until) {
    }

    private record Failures(int count, long since) {
    }

    public Superusers(final String config, final long cacheSeconds, final Clock clock, final Limits limits) {
        this.hashes = parse(config);
        this.cacheMillis = cacheSeconds * 1000L;
        this.clock = clock;
        this.limits = limits;
        this.failures = Caffeine.newBuilder()
                .maximumSize(limits.trackedNames())
                .expireAfterWrite(Duration.ofSeconds(limits.failureWindowSeconds()))
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .build();
        this.slots = new Semaphore(limits.maxConcurrentHashes());
        this.budget = limits.maxHashesPerSecond();
        this.budgetAt = clock.millis();
        this.dummy = hashes.isEmpty() ? null : Secrets.hashPassword(Secrets.generate(), iterations(hashes.values().iterator().next()));
    }

    public Superusers(final String config, final long cacheSeconds, final Clock clock) {
        this(config, cacheSeconds, clock, Limits.DEFAULTS);
    }

    public Superusers(final String config, final long cacheSeconds) {
        this(config, cacheSeconds, Clock.systemUTC());
    }

    static Map<String, String> parse(final String config) {
        final Map<String, String> map = new LinkedHashMap<>();
        for (final String entry : AclTemplates.list(config)) {
            final int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("superuser entry must be name:hash, got '" + entry.replaceAll(":.*", ":…") + "'");
            }
            final String name = entry.substring(0, colon);
            if (!MqttNames.isValidUserId(name)) {
                throw new IllegalArgumentException("superuser name not allowed: " + name);
            }
            map.put(name, entry.substring(colon + 1));
        }
        return Map.copyOf(map);
    }

    /** The iterations of a stored {@code pbkdf2$n$...} (the dummy costs the same), else the default. */
    private static int iterations(final String stored) {
        final String[] parts = stored.split("\\$", -1);
        if (parts.length == 4 && parts[0].equals("pbkdf2")) {
            try {
                final int n = Integer.parseInt(parts[1]);
                if (n >= 1 && n <= 10_000_000) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through to the default
            }
        }
        return Secrets.PBKDF2_DEFAULT_ITERATIONS;
    }

    public boolean isSuperuser(final String username) {
        return username != null && hashes.containsKey(username);
    }

    /** Whether {@code username} is a superuser and {@code password} is theirs (same as {@link #check}). */
    public boolean authenticate(final String username, final String password) {
        return check(username, password);
    }

    /**
     * The slow password check for a superuser name or a name nobody has: both take this same path
     * (limiter, slot, one slow hash) and a name that is no superuser never passes.
     */
    public boolean check(final String username, final String password) {
        if (username == null || password == null || password.isEmpty()) {
            return false;
        }
        final String stored = hashes.get(username);
        final byte[] digest = digest(username, password);
        final long now = clock.millis();
        if (stored != null) {
            final Remembered seen = recent.get(username);
            if (seen != null && seen.until > now && MessageDigest.isEqual(seen.digest, digest)) {
                return true;
            }
        }
        if (stored == null && dummy == null) {
            return false; // no superusers configured: there is nothing to hide nor to guess
        }
        final Failures failed = failures.getIfPresent(username);
        if (failed != null && failed.count >= limits.maxFailures() && now - failed.since < limits.failureWindowSeconds() * 1000L) {
            deniedLockedOut.incrementAndGet();
            return false;
        }
        final boolean ok;
        if (!takeBudget(now) || !acquireSlot()) {
            deniedBusy.incrementAndGet();
            return false; // not counted as a failure: the password was not checked
        }
        try {
            final int now2 = running.incrementAndGet();
            maxRunning.accumulateAndGet(now2, Math::max);
            hashesComputed.incrementAndGet();
            final boolean matches = Secrets.verify(password, stored == null ? dummy : stored);
            ok = stored != null && matches;
        } finally {
            running.decrementAndGet();
            slots.release();
        }
        if (ok) {
            recent.put(username, new Remembered(digest, now + cacheMillis));
            failures.invalidate(username);
            return true;
        }
        failures.asMap().compute(username, (name, f) -> f == null || now - f.since >= limits.failureWindowSeconds() * 1000L
                ? new Failures(1, now) : new Failures(f.count + 1, f.since));
        return false;
    }

    private synchronized boolean takeBudget(final long now) {
        final int rate = limits.maxHashesPerSecond();
        if (rate == 0) {
            return true;
        }
        budget = Math.min(rate, budget + Math.max(0, now - budgetAt) * rate / 1000.0);
        budgetAt = now;
        if (budget < 1) {
            return false;
        }
        budget -= 1;
        return true;
    }

    private boolean acquireSlot() {
        try {
            return limits.hashWaitMillis() == 0 ? slots.tryAcquire() : slots.tryAcquire(limits.hashWaitMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Slow hashes computed so far (tests, metrics). */
    public long hashesComputed() {
        return hashesComputed.get();
    }

    /** Checks denied without hashing because the name had too many failures in its window. */
    public long deniedLockedOut() {
        return deniedLockedOut.get();
    }

    /** Checks denied without hashing because every slot was busy or the rate was used up. */
    public long deniedBusy() {
        return deniedBusy.get();
    }

    /** The most slow hashes that ever ran at once. */
    public int maxConcurrentHashesSeen() {
        return maxRunning.get();
    }

    /** Failed checks counted for {@code name} in its current window (0 when none). */
    public int failuresOf(final String name) {
        final Failures f = failures.getIfPresent(name);
        return f == null ? 0 : f.count;
    }

    /** How many names have failures remembered now. */
    public long trackedNames() {
        failures.cleanUp();
        return failures.estimatedSize();
    }

    private static byte[] digest(final String username, final String password) {
        try {
            final MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(username.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            return md.digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
