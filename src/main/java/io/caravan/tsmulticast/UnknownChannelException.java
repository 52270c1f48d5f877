package io.caravan.tsmulticast;

/** The control API was asked about a channel that is not configured (HTTP 404). */
public final class UnknownChannelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnknownChannelException(final String id) {
        super("no channel '" + id + "' is configured");
    }
}
