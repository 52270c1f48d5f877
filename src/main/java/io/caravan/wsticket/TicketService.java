package io.caravan.wsticket;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Issues and redeems one-time WebSocket tickets. Redis holds {@code <keyPrefix><sha256(ticket)>}
 * → {@link TicketClaims} JSON, written with {@code SET NX EX ttl} and redeemed with {@code GETDEL},
 * so a ticket works once, on any replica, within its TTL. The ticket itself is never stored nor
 * logged.
 */
public final class TicketService {

    private final TicketStore store;
    private final Clock clock;
    private final SecureRandom random;
    private Duration ttl = Duration.ofSeconds(20);
    private String keyPrefix = "ws-ticket:t:";

    public TicketService(final TicketStore store) {
        this(store, Clock.systemUTC(), new SecureRandom());
    }

    public TicketService(final TicketStore store, final Clock clock, final SecureRandom random) {
        this.store = store;
        this.clock = clock;
        this.random = random;
    }

    /**
     * A new ticket for {@code subject}, bound to {@code origin} when one is given. Nothing waits for Redis: the
     * stage completes when {@code SET NX} has answered, and fails with {@link StoreUnavailableException} when
     * Redis is unreachable.
     */
    public CompletionStage<IssuedTicket> issue(final String subject, final String origin) {
        final Instant now = clock.instant();
        final TicketClaims claims = new TicketClaims(subject, now, origin);
        return store(claims, claims.toJson(), 0);
    }

    private CompletionStage<IssuedTicket> store(final TicketClaims claims, final String json, final int attempt) {
        // a collision of 256 random bits does not happen; NX still guarantees we never overwrite
        if (attempt == 3) {
            return CompletableFuture.failedFuture(new IllegalStateException("could not store a fresh ticket (NX refused three random keys)"));
        }
        final String ticket = Tickets.newTicket(random);
        return store.putIfAbsent(key(ticket), json, ttl).thenCompose(stored -> stored
                ? CompletableFuture.completedFuture(new IssuedTicket(ticket, claims.issuedAt().plus(ttl), claims))
                : store(claims, json, attempt + 1));
    }

    /**
     * Redeems {@code ticket} once, atomically (GETDEL). A malformed ticket is refused without a
     * Redis call. A ticket bound to an Origin is consumed even when the Origin is wrong: whoever
     * tried it from elsewhere has seen it, so it must not work afterwards either.
     */
    public CompletionStage<Redemption> redeem(final String ticket, final String origin) {
        if (ticket == null) {
            return CompletableFuture.completedFuture(Redemption.refused(Redemption.Outcome.MISSING));
        }
        if (!Tickets.wellFormed(ticket)) {
            return CompletableFuture.completedFuture(Redemption.refused(Redemption.Outcome.MALFORMED));
        }
        final CompletionStage<String> value;
        try {
            value = store.getAndDelete(key(ticket));
        } catch (StoreUnavailableException e) {
            return CompletableFuture.completedFuture(Redemption.refused(Redemption.Outcome.STORE_UNAVAILABLE));
        }
        return value.handle((json, error) -> {
            if (error != null) {
                return Redemption.refused(Redemption.Outcome.STORE_UNAVAILABLE);
            }
            if (json == null) {
                return Redemption.refused(Redemption.Outcome.UNKNOWN);
            }
            return TicketClaims.fromJson(json)
                    .map(claims -> claims.allowsOrigin(origin) ? Redemption.accepted(claims)
                            : Redemption.refused(Redemption.Outcome.ORIGIN_MISMATCH))
                    .orElseGet(() -> Redemption.refused(Redemption.Outcome.CORRUPT));
        });
    }

    /** The Redis key of a ticket: prefix + hex SHA-256. */
    public String key(final String ticket) {
        return keyPrefix + Tickets.sha256Hex(ticket);
    }

    public Duration ttl() {
        return ttl;
    }

    public TicketStore store() {
        return store;
    }

    public void setTtlSeconds(final long seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("ws-ticket TTL must be at least 1 s, was " + seconds);
        }
        this.ttl = Duration.ofSeconds(seconds);
    }

    public void setKeyPrefix(final String keyPrefix) {
        if (keyPrefix == null || !keyPrefix.startsWith("ws-ticket:")) {
            throw new IllegalArgumentException("ws-ticket Redis keys must start with 'ws-ticket:', was " + keyPrefix);
        }
        this.keyPrefix = keyPrefix;
    }
}
