package io.caravan.oauth2;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys of one trusted issuer. The chain is built by nimbus' {@link JWKSourceBuilder} on a
 * {@link DiscoveryJWKSetSource}: a cache with the configured TTL, refreshed ahead of expiry in the
 * background, a rate limit on fetches, and outage tolerance (stale keys while the provider is down).
 * This class adds what the builder cannot express:
 * <ul>
 *   <li>time comes from an injectable {@link Clock} (nimbus' own {@code JWKSetBasedJWKSource} reads the
 *       system clock), so tests drive TTL and outage windows without sleeping;</li>
 *   <li>an unknown {@code kid} causes at most one forced fetch per {@code refetch-interval}, single
 *       flight (nimbus' rate limiter lets two calls through per interval);</li>
 *   <li>keys are never used longer than {@code jwks-ttl + outage-window} after their last successful
 *       fetch (nimbus' cache would re-cache a stale set for another TTL): after that it fails closed.</li>
 * </ul>
 */
final class IssuerKeys implements JWKSource<SecurityContext>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);
    private static final int MAX_JWKS_BYTES = 512 * 1024;

    private final String issuer;
    private final Clock clock;
    private final DiscoveryJWKSetSource base;
    private final JWKSetSource<SecurityContext> chain;
    private final ExecutorService refresher;
    private final long refetchIntervalMillis;
    private final long maxKeyAgeMillis;
    private final long ttlMillis;
    private final long refreshAheadMillis;
    private final java.util.concurrent.atomic.AtomicBoolean nudged = new java.util.concurrent.atomic.AtomicBoolean();
    private final ReentrantLock forcedFetch = new ReentrantLock();
    private long nextForcedFetch = Long.MIN_VALUE;

    IssuerKeys(final IssuerSettings settings, final Clock clock) {
        this(settings, clock, new DefaultResourceRetriever((int) settings.connectTimeout().toMillis(),
                (int) settings.readTimeout().toMillis(), MAX_JWKS_BYTES));
    }

    IssuerKeys(final IssuerSettings settings, final Clock clock, final ResourceRetriever retriever) {
        this.issuer = settings.uri();
        this.clock = clock;
        this.base = new DiscoveryJWKSetSource(settings.uri(), settings.discoveryUri(), retriever);
        this.refetchIntervalMillis = settings.refetchInterval().toMillis();
        this.maxKeyAgeMillis = settings.maxKeyAge().toMillis();
        this.refresher = Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "oauth2-jwks-refresh-" + settings.id());
            t.setDaemon(true);
            return t;
        });
        final long ttl = settings.jwksTtl().toMillis();
        this.ttlMillis = ttl;
        this.refreshAheadMillis = settings.refreshAhead().toMillis();
        final JWKSource<SecurityContext> built = JWKSourceBuilder.create(base)
                .retrying(false)
                .cache(ttl, settings.refreshTimeout().toMillis())
                .refreshAheadCache(settings.refreshAhead().toMillis(), null, refresher, true, null, false)
                .rateLimited(refetchIntervalMillis)
                // measured from the last successful fetch, like maxKeyAge below
                .outageTolerant(settings.maxKeyAge().toMillis())
                .build();
        this.chain = ((JWKSetBasedJWKSource<SecurityContext>) built).getJWKSetSource();
    }

    @Override
    public List<JWK> get(final JWKSelector selector, final SecurityContext context) throws KeySourceException {
        final long now = clock.millis();
        final List<JWK> matches = selector.select(usableSet(now, context));
        return matches.isEmpty() ? refetchForUnknownKey(selector, now, context) : matches;
    }

    /**
     * The key set in force now (the same object until the next fetch replaces it, so callers can tell a
     * rotation by identity). Past TTL + outage window only freshly fetched keys will do (rate limited);
     * if none come, this fails closed.
     */
    JWKSet usableSet(final long now, final SecurityContext context) throws KeySourceException {
        JWKSet set = chain.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context);
        if (now - base.lastSuccess() > maxKeyAgeMillis) {
            LOG.warn("signing keys of {} are older than jwks-ttl + outage-window; refetching", issuer);
            set = chain.getJWKSet(JWKSetCacheRefreshEvaluator.forceRefresh(), now, context);
            if (now - base.lastSuccess() > maxKeyAgeMillis) {
                throw new JWKSetUnavailableException("signing keys of " + issuer + " expired");
            }
        }
        return set;
    }

    /**
     * The key set in force now if that is known without any I/O (the set last fetched, while nimbus' cache still
     * holds it: younger than the TTL), else null. Never blocks. Inside the refresh-ahead window it asks the
     * background refresher to look at the keys (which starts nimbus' refresh ahead), as a {@link #usableSet}
     * call would, so that answering from this never lets the keys run out.
     */
    JWKSet setWithoutFetching(final long now) {
        final DiscoveryJWKSetSource.Fetched fetched = base.last();
        if (fetched == null || now - fetched.at() >= ttlMillis) {
            return null;
        }
        if (now - fetched.at() >= ttlMillis - refreshAheadMillis && nudged.compareAndSet(false, true)) {
            try {
                refresher.execute(() -> {
                    try {
                        usableSet(clock.millis(), null);
                    } catch (KeySourceException e) {
                        LOG.debug("looking at the keys of {} ahead of their expiry failed: {}", issuer, e.getMessage());
                    } finally {
                        nudged.set(false);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                nudged.set(false); // closed
            }
        }
        return fetched.set();
    }

    /** Single flight, at most one forced fetch per refetch interval; an empty list means "unknown key". */
    private List<JWK> refetchForUnknownKey(final JWKSelector selector, final long now, final SecurityContext context)
            throws KeySourceException {
        forcedFetch.lock();
        try {
            final JWKSet current = chain.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context);
            final List<JWK> matches = selector.select(current);
            if (!matches.isEmpty() || now < nextForcedFetch) {
                return matches; // another caller's refetch found it, or the window is still closed
            }
            nextForcedFetch = now + refetchIntervalMillis;
            LOG.info("unknown signing key for {}: refetching its JWKS", issuer);
            try {
                return selector.select(chain.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(current), now, context));
            } catch (KeySourceException e) {
                LOG.warn("refetching the JWKS of {} failed: {}", issuer, e.getMessage());
                return List.of();
            }
        } finally {
            forcedFetch.unlock();
        }
    }

    /** Key ids currently cached (diagnostics and tests); never fetches when a set is cached. */
    java.util.Set<String> cachedKeyIds() throws KeySourceException {
        final java.util.Set<String> ids = new java.util.TreeSet<>();
        for (final JWK key : chain.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), clock.millis(), null).getKeys()) {
            if (key.getKeyID() != null) {
                ids.add(key.getKeyID());
            }
        }
        return ids;
    }

    @Override
    public void close() {
        try {
            chain.close();
        } catch (IOException e) {
            LOG.debug("closing the key source of {}: {}", issuer, e.toString());
        }
        refresher.shutdownNow();
    }
}
