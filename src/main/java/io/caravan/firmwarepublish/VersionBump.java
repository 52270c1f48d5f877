package io.caravan.firmwarepublish;

import java.util.Locale;

/**
 * The next version of a package for a bump level: the first three dot-separated components of
 * the latest upstream version are read as numbers (leading digits; missing = 0) and bumped like
 * semantic versioning; the epoch is kept, the Debian revision dropped. Nothing published yet
 * counts as 0.0.0. The result is always checked to sort above the latest with dpkg's ordering.
 */
public final class VersionBump {

    /** major, minor or patch. */
    public enum Level {
        MAJOR, MINOR, PATCH;

        public static Level parse(final String text) {
            if (text == null || text.isBlank()) {
                throw FirmwareRejected.invalid("bad-bump", "bump is required: major, minor or patch");
            }
            try {
                return valueOf(text.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw FirmwareRejected.invalid("bad-bump", "bump '" + text + "' is not one of major, minor, patch");
            }
        }
    }

    private VersionBump() {
    }

    public static DebianVersion next(final DebianVersion latest, final Level level) {
        final long[] n = new long[3];
        long epoch = 0;
        if (latest != null) {
            epoch = latest.epoch();
            final String[] parts = latest.upstream().split("\\.");
            for (int i = 0; i < 3 && i < parts.length; i++) {
                int end = 0;
                while (end < parts[i].length() && Character.isDigit(parts[i].charAt(end)) && parts[i].charAt(end) <= '9') {
                    end++;
                }
                n[i] = end == 0 ? 0 : Long.parseLong(parts[i].substring(0, Math.min(end, 18)));
            }
        }
        switch (level) {
            case MAJOR -> {
                n[0]++;
                n[1] = 0;
                n[2] = 0;
            }
            case MINOR -> {
                n[1]++;
                n[2] = 0;
            }
            default -> n[2]++;
        }
        final String text = (epoch > 0 ? epoch + ":" : "") + n[0] + "." + n[1] + "." + n[2];
        final DebianVersion next = DebianVersion.parse(text);
        if (latest != null && next.compareTo(latest) <= 0) {
            throw new FirmwareRejected(409, "cannot-bump", "a " + level.name().toLowerCase(Locale.ROOT) + " bump of " + latest
                    + " gives " + next + ", which does not sort above it; publish an explicit version");
        }
        return next;
    }
}
