package io.caravan.eventsfanout;

import java.util.Locale;

/** What happens to a socket whose outgoing buffer is full. */
public enum SlowClientPolicy {
    /** Drop the oldest queued frame to make room (the client misses events but stays connected). */
    DROP_OLDEST,
    /** Close the socket with 1013 "Try Again Later" (the client reconnects and resynchronises). */
    CLOSE;

    /** Parses {@code drop-oldest} / {@code close} (case and {@code _}/{@code -} insensitive). */
    public static SlowClientPolicy parse(final String value) {
        if (value == null) {
            throw new IllegalArgumentException("slow-client policy must be drop-oldest or close");
        }
        final String v = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (final SlowClientPolicy p : values()) {
            if (p.name().equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException("slow-client policy must be drop-oldest or close, not '" + value + "'");
    }
}
