package io.caravan.mqttacl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Superusers from configuration ({@code name:pbkdf2$...}, comma-separated). A successful password
 * check is remembered in memory for a short time (keyed by a digest of the password), so a
 * reconnecting superuser does not pay the slow hash each time; failures are never cached.
 */
public final class Superusers {

    private final Map<String, String> hashes;
    private final long cacheMillis;
    private final Clock clock;
    private final Map<String, Remembered> recent = new ConcurrentHashMap<>();

    private record Remembered(byte[] digest, long until) {
    }

    public Superusers(final String config, final long cacheSeconds, final Clock clock) {
        this.hashes = parse(config);
        this.cacheMillis = cacheSeconds * 1000L;
        this.clock = clock;
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
            if (!MqttNames.isSafeUsername(name)) {
                throw new IllegalArgumentException("superuser name not allowed: " + name);
            }
            map.put(name, entry.substring(colon + 1));
        }
        return Map.copyOf(map);
    }

    public boolean isSuperuser(final String username) {
        return username != null && hashes.containsKey(username);
    }

    public boolean authenticate(final String username, final String password) {
        final String stored = username == null ? null : hashes.get(username);
        if (stored == null || password == null || password.isEmpty()) {
            return false;
        }
        final byte[] digest = digest(username, password);
        final long now = clock.millis();
        final Remembered seen = recent.get(username);
        if (seen != null && seen.until > now && MessageDigest.isEqual(seen.digest, digest)) {
            return true;
        }
        if (Secrets.verify(password, stored)) {
            recent.put(username, new Remembered(digest, now + cacheMillis));
            return true;
        }
        return false;
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
