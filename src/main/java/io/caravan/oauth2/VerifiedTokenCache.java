package io.caravan.oauth2;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens that passed every check, by their exact compact form, so that a client that sends the same
 * access token again (client credentials: every call for the token's lifetime) costs a map lookup
 * instead of an RSA verification. Plain Java, thread-safe.
 *
 * <p>An entry is only a shortcut to the answer the full check gave, and only while that answer cannot
 * have changed: the key is the whole token (a hit means the very same bytes were verified), an entry is
 * used only while {@code exp} (plus the clock skew) has not passed, and only while the issuer's key set
 * is the very object that was in force when the token was verified ({@code keyEpoch}): any JWKS refetch
 * (rotation, removed key) sends the token through the full check again. Size is bounded: when full,
 * expired entries go first, then everything.
 */
final class VerifiedTokenCache {

    /** What a hit returns, and what it must still match. */
    record Entry(VerifiedPrincipal principal, int issuerIndex, Object keyEpoch) {
    }

    private final int maxEntries;
    private final ConcurrentHashMap<String, Entry> entries;

    /** @param maxEntries 0 disables the cache */
    VerifiedTokenCache(final int maxEntries) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("oauth2.verified-token-cache-size must not be negative");
        }
        this.maxEntries = maxEntries;
        this.entries = new ConcurrentHashMap<>(Math.min(maxEntries, 1024));
    }

    boolean enabled() {
        return maxEntries > 0;
    }

    /** @return the entry for exactly this token, or null */
    Entry get(final String token) {
        return maxEntries > 0 ? entries.get(token) : null;
    }

    void remove(final String token) {
        entries.remove(token);
    }

    /** @param expiredBefore entries whose principal expired before this instant may be dropped to make room */
    void put(final String token, final Entry entry, final Instant expiredBefore) {
        if (maxEntries == 0) {
            return;
        }
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(e -> e.principal().expiresAt().isBefore(expiredBefore));
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
        }
        entries.put(token, entry);
    }

    int size() {
        return entries.size();
    }
}
