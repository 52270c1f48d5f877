package io.caravan.wsticket;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The ticket format: 32 bytes (256 bits) from {@link SecureRandom}, base64url without padding
 * (43 characters). Only the SHA-256 of a ticket is ever stored; a ticket is high-entropy and
 * server-generated, so an unsalted fast hash is enough (FACTS: no slow hash for generated secrets).
 */
public final class Tickets {

    /** Random bytes in a ticket. */
    public static final int TICKET_BYTES = 32;
    /** Characters of a base64url (unpadded) encoding of {@link #TICKET_BYTES}. */
    public static final int TICKET_CHARS = 43;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private Tickets() {
    }

    /** A new ticket: 256 random bits, base64url. */
    public static String newTicket(final SecureRandom random) {
        final byte[] bytes = new byte[TICKET_BYTES];
        random.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /**
     * Whether {@code candidate} can be a ticket: exactly 43 base64url characters whose last one
     * carries no stray bits. Checked before any Redis call, so garbage and oversized input cost
     * nothing.
     */
    public static boolean wellFormed(final String candidate) {
        if (candidate == null || candidate.length() != TICKET_CHARS) {
            return false;
        }
        for (int i = 0; i < TICKET_CHARS; i++) {
            final char c = candidate.charAt(i);
            final boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        // 43 chars = 258 bits: the last char holds 4 data bits + 2 zero bits (canonical encoding)
        final int last = sextet(candidate.charAt(TICKET_CHARS - 1));
        return (last & 0b11) == 0;
    }

    /** Hex SHA-256 of the ticket: what Redis stores as (part of) the key. */
    public static String sha256Hex(final String ticket) {
        try {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(ticket.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    private static int sextet(final char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : 63;
    }
}
