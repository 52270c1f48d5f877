package io.caravan.mqttacl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.caravan.common.LettuceResources;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device registry in Redis (plain Java on Lettuce: runs under Spring Boot, Camel JBang and
 * Camel K alike), with an in-memory cache in front of it.
 * <p>
 * Keys (all prefixed {@code mqtt-acl:}): {@code device:<id>} hash {secret, created};
 * {@code device:<id>:owners} set of users; {@code user:<u>:devices} set of devices;
 * {@code token:<sha256>} "subject\nexpiresAtMillis" with a TTL; {@code service:<u>} expiry with a TTL;
 * {@code session:<u>} the sha256 of the MQTT token user u last connected with (its password), with the token's TTL;
 * {@code superuser:<u>} until when superuser u holds its rights (after a password check), with a TTL.
 * Every write publishes what it changed on {@code mqtt-acl:invalidate}; each replica drops those
 * cache entries, so a change is seen by the next callback everywhere. When the subscription
 * (re)connects the whole cache is dropped, because messages may have been missed meanwhile.
 * <p>
 * Every cache is bounded by size and time (anyone who reaches the broker chooses the usernames
 * that get looked up): found entries per kind ({@link CacheLimits#maxEntries()}, kept at most
 * {@link CacheLimits#maxStaleSeconds()} for outages), and "not found" answers of every kind in one
 * separate, smaller cache ({@link CacheLimits#negativeMaxEntries()}, {@link CacheLimits#negativeTtlSeconds()}),
 * so that a flood of unknown names cannot push the known devices out.
 * <p>
 * Redis down: reads fall back to whatever found entry is still cached (even past its TTL); with
 * nothing cached they throw {@link RegistryUnavailableException}. One WARN line per outage, one
 * INFO line when it ends.
 */
public final class RedisRegistry implements DeviceOwnership, io.caravan.common.DeviceOwnership, AutoCloseable {

    public static final String PREFIX = "mqtt-acl:";
    public static final String CHANNEL = PREFIX + "invalidate";
    private static final Logger LOG = LoggerFactory.getLogger(RedisRegistry.class);

    private final RedisURI uri;
    private final long cacheTtlMillis;
    private final long timeoutMillis;
    private final Cache<String, Cached<Optional<Device>>> devices;
    private final Cache<String, Cached<Set<String>>> userDevices;
    private final Cache<String, Cached<Optional<Token>>> tokens;
    private final Cache<String, Cached<Long>> services;
    private final Cache<String, Cached<String>> sessions;
    private final Cache<String, Cached<Long>> superuserSessions;
    /** "Not found" answers of every kind, keyed like the invalidation messages ("device:d", "token:h"...). */
    private final Cache<String, Long> absent;
    private final AtomicLong generation = new AtomicLong();
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final Object connectLock = new Object();
    private volatile long nextConnectAttempt;
    private volatile RedisClient client;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile StatefulRedisPubSubConnection<String, String> pubSub;
    private volatile String lastError = "";

    private record Cached<T>(T value, long loadedAt) {
    }

    /** A valid MQTT token: whose it is and until when. */
    public record Token(String subject, long expiresAtMillis) {
    }

    /**
     * The caches' bounds (mqtt-acl.cache.* in routes/mqtt-acl/application.properties).
     *
     * @param maxEntries         found entries kept per kind (devices, users, tokens, services, web-user sessions)
     * @param maxStaleSeconds    how long a found entry is kept at all: past the TTL it is only
     *                           served while Redis is down (at least the TTL)
     * @param negativeMaxEntries "not found" answers kept, all kinds together
     * @param negativeTtlSeconds how long a "not found" answer is kept (a registration drops it at once)
     */
    public record CacheLimits(long maxEntries, long maxStaleSeconds, long negativeMaxEntries, long negativeTtlSeconds) {

        public static final CacheLimits DEFAULTS = new CacheLimits(100_000, 3_600, 10_000, 60);

        public CacheLimits {
            if (maxEntries < 1 || negativeMaxEntries < 0 || maxStaleSeconds < 0 || negativeTtlSeconds < 0) {
                throw new IllegalArgumentException("cache limits must be positive: " + maxEntries + ", " + maxStaleSeconds
                        + ", " + negativeMaxEntries + ", " + negativeTtlSeconds);
            }
        }
    }

    /**
     * @param redisUri        e.g. {@code redis://127.0.0.1:6379}
     * @param cacheTtlSeconds safety net: entries are reloaded after this even without invalidation
     * @param timeoutMillis   connect and command timeout (keep it short: the broker waits)
     */
    public RedisRegistry(final String redisUri, final long cacheTtlSeconds, final long timeoutMillis) {
        this(redisUri, cacheTtlSeconds, timeoutMillis, CacheLimits.DEFAULTS);
    }

    /** For YAML beans: the caches' bounds as flat values (see {@link CacheLimits}). */
    public RedisRegistry(final String redisUri, final long cacheTtlSeconds, final long timeoutMillis, final long cacheMaxEntries,
            final long cacheMaxStaleSeconds, final long cacheNegativeMaxEntries, final long cacheNegativeTtlSeconds) {
        this(redisUri, cacheTtlSeconds, timeoutMillis,
                new CacheLimits(cacheMaxEntries, cacheMaxStaleSeconds, cacheNegativeMaxEntries, cacheNegativeTtlSeconds));
    }

    public RedisRegistry(final String redisUri, final long cacheTtlSeconds, final long timeoutMillis, final CacheLimits limits) {
        this.uri = RedisURI.create(redisUri);
        this.uri.setTimeout(Duration.ofMillis(timeoutMillis));
        this.cacheTtlMillis = cacheTtlSeconds * 1000L;
        this.timeoutMillis = timeoutMillis;
        final Duration keep = Duration.ofSeconds(Math.max(limits.maxStaleSeconds(), cacheTtlSeconds));
        this.devices = found(limits.maxEntries(), keep);
        this.userDevices = found(limits.maxEntries(), keep);
        this.tokens = found(limits.maxEntries(), keep);
        this.services = found(limits.maxEntries(), keep);
        this.sessions = found(limits.maxEntries(), keep);
        this.superuserSessions = found(limits.maxEntries(), keep);
        this.absent = Caffeine.newBuilder()
                .maximumSize(limits.negativeMaxEntries())
                .expireAfterWrite(Duration.ofSeconds(Math.min(limits.negativeTtlSeconds(), Math.max(cacheTtlSeconds, 0))))
                .executor(Runnable::run) // evict on the caller's thread: the bound holds at once, no pool needed
                .build();
    }

    private static <T> Cache<String, Cached<T>> found(final long maxEntries, final Duration keep) {
        return Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(keep).executor(Runnable::run).build();
    }

    /** Creates the client and tries to connect; never fails when Redis is down (retried on use). */
    public void start() {
        synchronized (connectLock) {
            if (client == null) {
                final RedisClient c = RedisClient.create(LettuceResources.builder().build(), uri);
                // Reconnection is ours (see connected()): one log line per outage, no watchdog noise.
                c.setOptions(ClientOptions.builder()
                        .autoReconnect(false)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(timeoutMillis)))
                        .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(timeoutMillis)).build())
                        .build());
                client = c;
            }
        }
        try {
            connected();
        } catch (RegistryUnavailableException e) {
            // logged once by markDown; connection is retried on the next use
        }
    }

    @Override
    public void close() {
        synchronized (connectLock) {
            closeQuietly(pubSub);
            closeQuietly(connection);
            pubSub = null;
            connection = null;
            if (client != null) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                client.getResources().shutdown(0, 2, TimeUnit.SECONDS); // not the client's own: LettuceResources
                client = null;
            }
        }
    }

    /** Whether Lettuce records per-command latencies for this registry's client, once started (never: {@link LettuceResources}). */
    boolean recordsCommandLatencies() {
        synchronized (connectLock) {
            return client.getResources().commandLatencyRecorder().isEnabled();
        }
    }

    private static void closeQuietly(final AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }
    }

    // ------------------------------------------------------------------ reads (cached)

    /** The device, if registered; empty without asking Redis when {@code id} is no valid device id. */
    public Optional<Device> device(final String id) {
        if (!MqttNames.isValidDeviceId(id)) {
            return Optional.empty();
        }
        return cached(devices, "device:", id, Optional.empty(), () -> loadDevice(id));
    }

    @Override
    public Set<String> ownersOf(final String deviceId) {
        return device(deviceId).map(Device::owners).orElse(Set.of());
    }

    @Override
    public boolean owns(final String user, final String deviceId) {
        return devicesOf(user).contains(deviceId);
    }

    @Override
    public Set<String> devicesOf(final String user) {
        if (!MqttNames.isValidUserId(user)) {
            return Set.of();
        }
        return cached(userDevices, "user:", user, Set.of(), () -> Set.copyOf(await(commands().smembers(userKey(user)))));
    }

    /** The token's owner while it is valid. */
    public Optional<Token> token(final String token) {
        return tokenByKey(Secrets.tokenKey(token));
    }

    /** The owner of the token with this {@link Secrets#tokenKey} while it is valid. */
    Optional<Token> tokenByKey(final String key) {
        final Optional<Token> found = cached(tokens, "token:", key, Optional.empty(), () -> loadToken(key));
        return found.filter(t -> t.expiresAtMillis() > System.currentTimeMillis());
    }

    /**
     * The token (as its {@link Secrets#tokenKey}) that web user {@code user} last connected with, while
     * it is valid and theirs: what the ACL callbacks, which see the username only, go by.
     */
    public Optional<Token> userSession(final String user) {
        if (!MqttNames.isValidUserId(user)) {
            return Optional.empty();
        }
        final String key = cached(sessions, "session:", user, "", () -> {
            final String v = await(commands().get(PREFIX + "session:" + user));
            return v == null ? "" : v;
        });
        return key.isEmpty() ? Optional.empty() : tokenByKey(key).filter(t -> t.subject().equals(user));
    }

    /** Remembers (for every replica) that {@code user} connected with the token of this key, until it expires. */
    public void rememberUserSession(final String user, final String tokenKey, final long expiresAtMillis) {
        requireUserId(user);
        final long ttl = expiresAtMillis - System.currentTimeMillis();
        if (ttl <= 0) {
            return;
        }
        final Cached<String> current = sessions.getIfPresent(user);
        if (current != null && current.value().equals(tokenKey)) {
            return; // a reconnect with the same token: nothing to write
        }
        write(redis -> redis.set(PREFIX + "session:" + user, tokenKey, SetArgs.Builder.px(ttl)));
        publish(List.of("session:" + user));
        sessions.put(user, new Cached<>(tokenKey, System.currentTimeMillis()));
    }

    /** Whether {@code username} authenticated as a service with a token that has not expired yet. */
    public boolean isServiceSession(final String username) {
        if (!MqttNames.isValidUserId(username)) {
            return false;
        }
        final long until = cached(services, "service:", username, 0L, () -> {
            final String v = await(commands().get(PREFIX + "service:" + username));
            return v == null ? 0L : Long.parseLong(v);
        });
        return until > System.currentTimeMillis();
    }

    // ------------------------------------------------------------------ writes

    /** Registers a device; returns its new secret (shown once), or null for a certificate-only device. */
    public String register(final String id, final boolean withSecret, final Collection<String> owners) {
        requireDeviceId(id);
        owners.forEach(RedisRegistry::requireUserId);
        final String secret = withSecret ? Secrets.generate() : null;
        final List<String> invalidations = new ArrayList<>(List.of("device:" + id));
        write(redis -> {
            final String key = deviceKey(id);
            redis.watch(key);
            if (redis.exists(key) > 0) {
                redis.unwatch();
                throw new IllegalStateException("device " + id + " is already registered");
            }
            redis.multi();
            redis.hset(key, Map.of("secret", secret == null ? "" : Secrets.hashGenerated(secret),
                    "created", String.valueOf(System.currentTimeMillis())));
            for (final String user : owners) {
                redis.sadd(ownersKey(id), user);
                redis.sadd(userKey(user), id);
                invalidations.add("user:" + user);
            }
            final TransactionResult result = redis.exec();
            if (result.wasDiscarded()) {
                throw new IllegalStateException("device " + id + " is already registered");
            }
            return null;
        });
        publish(invalidations);
        return secret;
    }

    /** Removes a device and its ownerships; false when it did not exist. */
    public boolean unregister(final String id) {
        requireDeviceId(id);
        final List<String> invalidations = new ArrayList<>(List.of("device:" + id));
        final boolean existed = write(redis -> {
            final Set<String> owners = redis.smembers(ownersKey(id));
            redis.multi();
            redis.del(deviceKey(id), ownersKey(id));
            for (final String user : owners) {
                redis.srem(userKey(user), id);
                invalidations.add("user:" + user);
            }
            final TransactionResult result = redis.exec();
            return ((Long) result.get(0)) > 0;
        });
        publish(invalidations);
        return existed;
    }

    /** A new secret for an existing device (the old one stops working at once); empty when unknown. */
    public Optional<String> rotateSecret(final String id) {
        requireDeviceId(id);
        final String secret = Secrets.generate();
        final boolean exists = write(redis -> {
            if (redis.exists(deviceKey(id)) == 0) {
                return false;
            }
            redis.hset(deviceKey(id), "secret", Secrets.hashGenerated(secret));
            return true;
        });
        if (!exists) {
            return Optional.empty();
        }
        publish(List.of("device:" + id));
        return Optional.of(secret);
    }

    /** Adds or removes an owner; false when the device is unknown. */
    public boolean setOwner(final String id, final String user, final boolean owner) {
        requireDeviceId(id);
        requireUserId(user);
        final boolean exists = write(redis -> {
            if (redis.exists(deviceKey(id)) == 0) {
                return false;
            }
            redis.multi();
            if (owner) {
                redis.sadd(ownersKey(id), user);
                redis.sadd(userKey(user), id);
            } else {
                redis.srem(ownersKey(id), user);
                redis.srem(userKey(user), id);
            }
            redis.exec();
            return true;
        });
        if (exists) {
            publish(List.of("device:" + id, "user:" + user));
        }
        return exists;
    }

    /** A new MQTT token for {@code subject}, valid for {@code ttlSeconds}. */
    public String issueToken(final String subject, final String prefix, final long ttlSeconds) {
        requireUserId(subject);
        final String token = prefix + Secrets.generate();
        final long expires = System.currentTimeMillis() + ttlSeconds * 1000L;
        final String key = Secrets.tokenKey(token);
        write(redis -> redis.set(PREFIX + "token:" + key, subject + "\n" + expires, SetArgs.Builder.px(ttlSeconds * 1000L)));
        publish(List.of("token:" + key)); // drops a cached "unknown token" answer on every replica
        return token;
    }

    /** Revokes a token of {@code subject} (null: any owner); false when unknown or not theirs. */
    public boolean revokeToken(final String token, final String subject) {
        final String key = Secrets.tokenKey(token);
        final boolean revoked = write(redis -> {
            final String value = redis.get(PREFIX + "token:" + key);
            if (value == null || subject != null && !value.startsWith(subject + "\n")) {
                return false;
            }
            return redis.del(PREFIX + "token:" + key) > 0;
        });
        if (revoked) {
            publish(List.of("token:" + key));
        }
        return revoked;
    }

    /**
     * Until when superuser {@code name} holds its rights (0: not at all): set by a successful password
     * check only, so that a name that never gave a password (a certificate CN) gets none.
     */
    public long superuserSessionUntil(final String name) {
        if (!MqttNames.isValidUserId(name)) {
            return 0L;
        }
        return cached(superuserSessions, "superuser:", name, 0L, () -> {
            final String v = await(commands().get(PREFIX + "superuser:" + name));
            return v == null ? 0L : Long.parseLong(v);
        });
    }

    /** Remembers (for every replica) that superuser {@code name} gave its password; its rights last until {@code untilMillis}. */
    public void rememberSuperuserSession(final String name, final long untilMillis) {
        requireUserId(name);
        final long ttl = untilMillis - System.currentTimeMillis();
        if (ttl <= 0) {
            return;
        }
        try {
            write(redis -> redis.set(PREFIX + "superuser:" + name, String.valueOf(untilMillis), SetArgs.Builder.px(ttl)));
            publish(List.of("superuser:" + name));
        } finally {
            // this replica knows at once, even when Redis is down (then the other replicas do not)
            superuserSessions.put(name, new Cached<>(untilMillis, System.currentTimeMillis()));
        }
    }

    /** Remembers (for every replica) that {@code username} is a service until {@code expiresAtMillis}. */
    public void rememberService(final String username, final long expiresAtMillis) {
        requireUserId(username);
        final long ttl = expiresAtMillis - System.currentTimeMillis();
        if (ttl <= 0) {
            return;
        }
        write(redis -> redis.set(PREFIX + "service:" + username, String.valueOf(expiresAtMillis), SetArgs.Builder.px(ttl)));
        publish(List.of("service:" + username));
        services.put(username, new Cached<>(expiresAtMillis, System.currentTimeMillis()));
    }

    // ------------------------------------------------------------------ health

    /** PINGs Redis (short timeout); true when it answered. */
    public boolean ping() {
        try {
            return "PONG".equals(await(commands().ping()));
        } catch (RegistryUnavailableException e) {
            return false;
        }
    }

    public boolean isUp() {
        return up.get();
    }

    public String lastError() {
        return lastError;
    }

    /** Drops every cached entry (also done when the invalidation subscription reconnects). */
    public void clearCache() {
        generation.incrementAndGet();
        devices.invalidateAll();
        userDevices.invalidateAll();
        tokens.invalidateAll();
        services.invalidateAll();
        sessions.invalidateAll();
        superuserSessions.invalidateAll();
        absent.invalidateAll();
    }

    /** How many entries the caches hold now, found and "not found" answers together (for tests and metrics). */
    public long cacheSize() {
        long size = 0;
        for (final Cache<String, ?> c : List.of(devices, userDevices, tokens, services, sessions, superuserSessions, absent)) {
            c.cleanUp();
            size += c.estimatedSize();
        }
        return size;
    }

    /** Applies one invalidation message ("device:d", "user:u", "token:h", "service:u", "session:u", "superuser:u", "all"). */
    void invalidate(final String message) {
        generation.incrementAndGet();
        final int colon = message.indexOf(':');
        final String kind = colon < 0 ? message : message.substring(0, colon);
        final String key = colon < 0 ? "" : message.substring(colon + 1);
        switch (kind) {
            case "device" -> devices.invalidate(key);
            case "user" -> userDevices.invalidate(key);
            case "token" -> tokens.invalidate(key);
            case "service" -> services.invalidate(key);
            case "session" -> sessions.invalidate(key);
            case "superuser" -> superuserSessions.invalidate(key);
            default -> {
                clearCache();
                return;
            }
        }
        absent.invalidate(message);
    }

    // ------------------------------------------------------------------ internals

    /**
     * The cached answer for {@code key} while fresh, else loads it: a found value goes to
     * {@code cache}, a "not found" one ({@code none}) to the shared, smaller {@link #absent} cache.
     */
    private <T> T cached(final Cache<String, Cached<T>> cache, final String kind, final String key, final T none,
            final Supplier<T> loader) {
        final long now = System.currentTimeMillis();
        final String absentKey = kind + key;
        final Cached<T> hit = cache.getIfPresent(key);
        if (hit != null && now - hit.loadedAt < cacheTtlMillis) {
            return hit.value;
        }
        if (hit == null && absent.getIfPresent(absentKey) != null) {
            return none; // expires after the negative TTL, or at once when a write names it
        }
        final long gen = generation.get();
        try {
            final T value = loader.get();
            markUp();
            if (generation.get() == gen) {
                if (none.equals(value)) {
                    cache.invalidate(key);
                    absent.put(absentKey, now);
                } else {
                    cache.put(key, new Cached<>(value, now));
                }
            }
            return value;
        } catch (RegistryUnavailableException e) {
            if (hit != null) {
                return hit.value; // stale but better than nothing; dropped on reconnect
            }
            throw e;
        }
    }

    private Optional<Device> loadDevice(final String id) {
        final RedisAsyncCommands<String, String> redis = commands();
        final RedisFuture<Map<String, String>> hash = redis.hgetall(deviceKey(id));
        final RedisFuture<Set<String>> owners = redis.smembers(ownersKey(id));
        final Map<String, String> fields = await(hash);
        final Set<String> who = await(owners);
        if (fields == null || fields.isEmpty()) {
            return Optional.empty();
        }
        final String secret = fields.getOrDefault("secret", "");
        return Optional.of(new Device(id, secret.isEmpty() ? null : secret, who,
                Long.parseLong(fields.getOrDefault("created", "0"))));
    }

    private Optional<Token> loadToken(final String key) {
        final String value = await(commands().get(PREFIX + "token:" + key));
        if (value == null) {
            return Optional.empty();
        }
        final int nl = value.indexOf('\n');
        return Optional.of(new Token(value.substring(0, nl), Long.parseLong(value.substring(nl + 1))));
    }

    private interface Write<T> {
        T apply(RedisCommands<String, String> redis);
    }

    /** Writes go through one connection, serialised (MULTI/WATCH are per connection). */
    private synchronized <T> T write(final Write<T> op) {
        connected();
        try {
            final T result = op.apply(connection.sync());
            markUp();
            return result;
        } catch (IllegalStateException e) {
            throw e;
        } catch (RedisCommandExecutionException e) {
            throw refused(e);
        } catch (RuntimeException e) {
            throw markDown(e);
        }
    }

    /**
     * Applies the invalidations here and publishes them to every replica; returns once Redis has
     * handed them to the subscribers' connections, so that a change is visible "at once" to the
     * caller's next request on any replica (give or take the subscriber's socket read).
     */
    private void publish(final List<String> messages) {
        for (final String m : messages) {
            invalidate(m);
        }
        try {
            final RedisAsyncCommands<String, String> redis = commands();
            final List<RedisFuture<Long>> sent = new ArrayList<>();
            for (final String m : messages) {
                sent.add(redis.publish(CHANNEL, m));
            }
            for (final RedisFuture<Long> f : sent) {
                await(f);
            }
        } catch (RegistryUnavailableException e) {
            // the write itself succeeded; other replicas resync when their subscription reconnects
        }
    }

    private RedisAsyncCommands<String, String> commands() {
        return connected().async();
    }

    private StatefulRedisConnection<String, String> connected() {
        final StatefulRedisConnection<String, String> c = connection;
        final StatefulRedisPubSubConnection<String, String> p = pubSub;
        if (c != null && p != null && c.isOpen() && p.isOpen()) {
            return c;
        }
        synchronized (connectLock) {
            if (connection != null && pubSub != null && connection.isOpen() && pubSub.isOpen()) {
                return connection;
            }
            if (client == null) {
                throw new RegistryUnavailableException("registry not started", null);
            }
            if (System.currentTimeMillis() < nextConnectAttempt) {
                // a connect attempt failed less than a second ago: fail fast, the broker is waiting
                throw markDown(new RegistryUnavailableException("Redis unreachable: " + lastError, null));
            }
            try {
                if (pubSub == null || !pubSub.isOpen()) {
                    closeQuietly(pubSub);
                    pubSub = null;
                    final StatefulRedisPubSubConnection<String, String> ps = client.connectPubSub();
                    ps.addListener(new RedisPubSubAdapter<>() {
                        @Override
                        public void message(final String channel, final String message) {
                            invalidate(message);
                        }
                    });
                    ps.sync().subscribe(CHANNEL);
                    pubSub = ps;
                    // invalidations may have been missed while unsubscribed: start afresh
                    clearCache();
                }
                if (connection == null || !connection.isOpen()) {
                    closeQuietly(connection);
                    connection = null;
                    connection = client.connect();
                }
                markUp();
                return connection;
            } catch (RuntimeException e) {
                nextConnectAttempt = System.currentTimeMillis() + 1000;
                throw markDown(e);
            }
        }
    }

    private <T> T await(final RedisFuture<T> future) {
        try {
            return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw markDown(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RedisCommandExecutionException refusedBy) {
                throw refused(refusedBy);
            }
            throw markDown(e.getCause() != null ? e.getCause() : e);
        } catch (TimeoutException e) {
            throw markDown(e);
        }
    }

    /**
     * Redis answered, with an error (WRONGTYPE: a key holds what the registry did not write there).
     * That is no outage: Redis is up, the stored data is wrong; say so, and fail this one request.
     */
    private DataException refused(final RedisCommandExecutionException e) {
        markUp();
        LOG.warn("Redis refused a registry command: {}", e.getMessage());
        return new DataException("Redis refused a registry command: " + e.getMessage(), e);
    }

    /** Redis answered with an error (e.g. WRONGTYPE): the stored data, not the connection, is at fault. */
    public static final class DataException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DataException(final String message, final Throwable cause) {
            super(message, cause);
        }
    }

    private static void requireDeviceId(final String id) {
        if (!MqttNames.isValidDeviceId(id)) {
            throw new IllegalArgumentException("device id must be 1-128 of [A-Za-z0-9._-]");
        }
    }

    private static void requireUserId(final String user) {
        if (!MqttNames.isValidUserId(user)) {
            throw new IllegalArgumentException("user id missing or malformed: 1-256 characters, none of '/', '+', '#', ':',"
                    + " whitespace or control characters");
        }
    }

    private RegistryUnavailableException markDown(final Throwable cause) {
        if (!(cause instanceof RegistryUnavailableException)) {
            lastError = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
        if (up.compareAndSet(true, false)) {
            LOG.warn("Redis {} unreachable ({}); MQTT callbacks answer from cache or deny until it is back",
                    uri.getHost() + ":" + uri.getPort(), lastError);
        }
        return cause instanceof RegistryUnavailableException r ? r : new RegistryUnavailableException("Redis unreachable: " + lastError, cause);
    }

    private void markUp() {
        if (up.compareAndSet(false, true)) {
            LOG.info("Redis {} reachable again", uri.getHost() + ":" + uri.getPort());
        }
    }

    private static String deviceKey(final String id) {
        return PREFIX + "device:" + id;
    }

    private static String ownersKey(final String id) {
        return PREFIX + "device:" + id + ":owners";
    }

    private static String userKey(final String user) {
        return PREFIX + "user:" + user + ":devices";
    }
}
