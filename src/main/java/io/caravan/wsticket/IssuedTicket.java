package io.caravan.wsticket;

import java.time.Instant;

/**
 * A freshly issued ticket, as handed to the client once. {@link #toString()} never shows the
 * ticket, so it cannot leak into a log by accident.
 *
 * @param ticket    the secret (base64url, 256 bits)
 * @param expiresAt when Redis forgets it
 * @param claims    what was stored under its hash
 */
public record IssuedTicket(String ticket, Instant expiresAt, TicketClaims claims) {

    @Override
    public String toString() {
        return "IssuedTicket[sub=" + claims.subject() + ", expiresAt=" + expiresAt + "]";
    }
}
