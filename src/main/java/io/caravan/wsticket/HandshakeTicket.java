package io.caravan.wsticket;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the ticket in a WebSocket handshake: the {@code ticket} query parameter, or one
 * {@code Sec-WebSocket-Protocol} entry {@code ticket.<ticket>} (browsers:
 * {@code new WebSocket(url, ["caravan.events.v1", "ticket." + t])}), which keeps the ticket out
 * of URLs and proxy logs. Exactly one ticket must be present; two (even equal) are refused.
 *
 * @param ticket  the ticket, or {@code null} when refused
 * @param refusal why none was taken ({@link Redemption.Outcome#MISSING} or
 *                {@link Redemption.Outcome#MALFORMED}), or {@code null}
 */
public record HandshakeTicket(String ticket, Redemption.Outcome refusal) {

    /** Query parameter name. */
    public static final String QUERY_PARAMETER = "ticket";
    /** Prefix of the Sec-WebSocket-Protocol entry. */
    public static final String PROTOCOL_PREFIX = "ticket.";
    /** Longest header or parameter value looked at; longer ones are refused unparsed. */
    static final int MAX_VALUE_CHARS = 1024;

    public static HandshakeTicket extract(final List<String> queryTickets, final List<String> protocolHeaders) {
        final List<String> found = new ArrayList<>(2);
        if (queryTickets != null) {
            for (final String value : queryTickets) {
                found.add(value == null ? "" : value);
            }
        }
        if (protocolHeaders != null) {
            for (final String header : protocolHeaders) {
                if (header == null) {
                    continue;
                }
                if (header.length() > MAX_VALUE_CHARS) {
                    return new HandshakeTicket(null, Redemption.Outcome.MALFORMED);
                }
                for (final String entry : header.split(",")) {
                    final String protocol = entry.trim();
                    if (protocol.startsWith(PROTOCOL_PREFIX)) {
                        found.add(protocol.substring(PROTOCOL_PREFIX.length()));
                    }
                }
            }
        }
        if (found.isEmpty()) {
            return new HandshakeTicket(null, Redemption.Outcome.MISSING);
        }
        if (found.size() > 1) {
            return new HandshakeTicket(null, Redemption.Outcome.MALFORMED);
        }
        final String ticket = found.get(0);
        return Tickets.wellFormed(ticket) ? new HandshakeTicket(ticket, null) : new HandshakeTicket(null, Redemption.Outcome.MALFORMED);
    }

    public boolean found() {
        return ticket != null;
    }

    @Override
    public String toString() {
        return "HandshakeTicket[" + (ticket == null ? "refused " + refusal : "found") + "]";
    }
}
