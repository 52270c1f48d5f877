package io.caravan.mqttacl;

/** Redis cannot be reached and nothing usable is cached: callers must fail closed (deny). */
public final class RegistryUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RegistryUnavailableException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
