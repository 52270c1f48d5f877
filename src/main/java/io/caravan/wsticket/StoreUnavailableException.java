package io.caravan.wsticket;

/** The ticket store (Redis) cannot be reached or did not answer in time. */
public final class StoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
