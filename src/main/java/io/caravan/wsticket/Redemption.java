package io.caravan.wsticket;

/**
 * The outcome of redeeming a ticket at a WebSocket handshake. Only {@link Outcome#ACCEPTED}
 * carries claims; every other outcome refuses the upgrade.
 *
 * @param outcome what happened
 * @param claims  the redeemed ticket's claims when accepted, else {@code null}
 */
public record Redemption(Outcome outcome, TicketClaims claims) {

    /** Why a handshake was accepted or refused (safe to log: no ticket in it). */
    public enum Outcome {
        /** Found, deleted, Origin matches. */
        ACCEPTED,
        /** No ticket in the handshake, or more than one. */
        MISSING,
        /** Not a ticket this flow issues (wrong length or alphabet): Redis is not asked. */
        MALFORMED,
        /** Well-formed but not in Redis: never issued, already redeemed, or expired. */
        UNKNOWN,
        /** Found (and now deleted) but bound to another Origin. */
        ORIGIN_MISMATCH,
        /** Found but not a value this flow wrote. */
        CORRUPT,
        /** Redis unreachable: fail closed. */
        STORE_UNAVAILABLE
    }

    public static Redemption refused(final Outcome outcome) {
        if (outcome == Outcome.ACCEPTED) {
            throw new IllegalArgumentException("an accepted redemption has claims");
        }
        return new Redemption(outcome, null);
    }

    public static Redemption accepted(final TicketClaims claims) {
        return new Redemption(Outcome.ACCEPTED, claims);
    }

    public boolean isAccepted() {
        return outcome == Outcome.ACCEPTED;
    }
}
