package io.caravan.tsmulticast;

/** A segment whose bytes are not MPEG-TS: it is skipped with this error, the channel carries on. */
public final class NotTransportStreamException extends Exception {

    private static final long serialVersionUID = 1L;

    public NotTransportStreamException(final String message) {
        super(message);
    }
}
