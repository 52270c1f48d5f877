package io.caravan.oauth2;

/**
 * A bearer token was refused. {@link #getMessage()} is a short, fixed description that is safe to
 * send to the caller and to log: it never contains the token or any value taken from it.
 * {@link #issuer()} and {@link #keyId()} (sanitised, possibly {@code null}) are for logs only.
 */
public final class TokenRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String issuer;
    private final String keyId;

    public TokenRejectedException(final String description) {
        this(description, null, null);
    }

    public TokenRejectedException(final String description, final String issuer, final String keyId) {
        super(description, null, false, false);
        this.issuer = sanitise(issuer);
        this.keyId = sanitise(keyId);
    }

    public String issuer() {
        return issuer;
    }

    public String keyId() {
        return keyId;
    }

    /** Printable ASCII only, at most 120 characters: values come from an untrusted token. */
    private static String sanitise(final String value) {
        if (value == null) {
            return null;
        }
        final StringBuilder out = new StringBuilder(Math.min(value.length(), 120));
        for (int i = 0; i < value.length() && out.length() < 120; i++) {
            final char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
