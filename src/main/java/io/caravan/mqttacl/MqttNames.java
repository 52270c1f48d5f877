package io.caravan.mqttacl;

/**
 * Usernames and client ids as they reach the callbacks. Anything that will be substituted into an
 * ACL template must not be able to widen it: {@code +}, {@code #}, {@code /} and NUL are refused.
 */
public final class MqttNames {

    /** What the legacy plugin sends as client id in /acl (literally, unescaped). */
    public static final String LEGACY_NO_CLIENT_ID = "client id not available";

    private static final int MAX_LENGTH = 256;

    private MqttNames() {
    }

    /** A username: non-empty, at most 256 chars, none of {@code + # /} or NUL or other control chars. */
    public static boolean isSafeUsername(final String name) {
        return name != null && !name.isEmpty() && isSafe(name);
    }

    /** A client id: may be empty (the broker then assigns one), otherwise like a username. */
    public static boolean isSafeClientId(final String clientId) {
        return clientId != null && (clientId.isEmpty() || isSafe(clientId));
    }

    private static boolean isSafe(final String s) {
        if (s.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == '+' || c == '#' || c == '/' || c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /**
     * Device ids the registry accepts: letters, digits, '-', '_', '.' ; 1..128 chars. Never ':'
     * (it separates the parts of a Redis key: device {@code x:owners} would be device x's owners set)
     * nor anything that changes an MQTT topic's structure.
     */
    public static boolean isValidDeviceId(final String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            final char c = id.charAt(i);
            final boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * User ids (owners, token subjects) and every MQTT username that may reach the registry: 1..256
     * chars, none of {@code / + # :}, no whitespace, no control or format characters. Checked before
     * any Redis key is built from it.
     */
    public static boolean isValidUserId(final String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            final char c = id.charAt(i);
            if (c == '/' || c == '+' || c == '#' || c == ':' || Character.isWhitespace(c) || Character.isSpaceChar(c)
                    || Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.isSurrogate(c) && !validSurrogatePair(id, i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean validSurrogatePair(final String s, final int i) {
        final char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
