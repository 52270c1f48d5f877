package io.caravan.firmwarepublish;

import java.util.regex.Pattern;

/**
 * A Debian package version {@code [epoch:]upstream[-revision]} with dpkg's ordering
 * (deb-version(7), dpkg's lib/dpkg/version.c): epochs numerically, then upstream and revision
 * each compared as alternating non-digit / digit runs, where in a non-digit run {@code ~} sorts
 * before everything (even the end of the string), letters before non-letters.
 */
public final class DebianVersion implements Comparable<DebianVersion> {

    private static final Pattern UPSTREAM = Pattern.compile("[0-9][A-Za-z0-9.+~-]*");
    private static final Pattern UPSTREAM_NO_HYPHEN = Pattern.compile("[0-9][A-Za-z0-9.+~]*");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9.+~]+");

    private final long epoch;
    private final String upstream;
    private final String revision;
    private final String text;

    private DebianVersion(final long epoch, final String upstream, final String revision, final String text) {
        this.epoch = epoch;
        this.upstream = upstream;
        this.revision = revision;
        this.text = text;
    }

    /**
     * Parses a version as dpkg-deb accepts it for a package (strict: upstream starts with a digit).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static DebianVersion parse(final String version) {
        if (version == null || version.isEmpty()) {
            throw new IllegalArgumentException("version is empty");
        }
        if (!version.equals(version.strip()) || version.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("version '" + version + "' contains whitespace");
        }
        String rest = version;
        long epoch = 0;
        final int colon = rest.indexOf(':');
        if (colon >= 0) {
            final String e = rest.substring(0, colon);
            if (e.isEmpty() || !e.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("version '" + version + "': epoch '" + e + "' is not a number");
            }
            if (e.length() > 9) {
                throw new IllegalArgumentException("version '" + version + "': epoch is too large");
            }
            epoch = Long.parseLong(e);
            rest = rest.substring(colon + 1);
            if (rest.indexOf(':') >= 0) {
                throw new IllegalArgumentException("version '" + version + "': only the epoch may be followed by ':'");
            }
        }
        String upstream = rest;
        String revision = "";
        final int hyphen = rest.lastIndexOf('-');
        if (hyphen >= 0) {
            upstream = rest.substring(0, hyphen);
            revision = rest.substring(hyphen + 1);
            if (revision.isEmpty()) {
                throw new IllegalArgumentException("version '" + version + "': revision after '-' is empty");
            }
            if (!REVISION.matcher(revision).matches()) {
                throw new IllegalArgumentException("version '" + version + "': revision '" + revision
                        + "' may contain only letters, digits and . + ~");
            }
        }
        if (upstream.isEmpty()) {
            throw new IllegalArgumentException("version '" + version + "': upstream version is empty");
        }
        if (!Character.isDigit(upstream.charAt(0)) || upstream.charAt(0) > '9') {
            throw new IllegalArgumentException("version '" + version + "': upstream version must start with a digit");
        }
        if (!(hyphen >= 0 ? UPSTREAM : UPSTREAM_NO_HYPHEN).matcher(upstream).matches()) {
            throw new IllegalArgumentException("version '" + version + "': upstream version '" + upstream
                    + "' may contain only letters, digits and . + ~ -");
        }
        return new DebianVersion(epoch, upstream, revision, version);
    }

    public long epoch() {
        return epoch;
    }

    public String upstream() {
        return upstream;
    }

    public String revision() {
        return revision;
    }

    @Override
    public int compareTo(final DebianVersion other) {
        if (epoch != other.epoch) {
            return Long.compare(epoch, other.epoch);
        }
        final int u = compareFragment(upstream, other.upstream);
        if (u != 0) {
            return u;
        }
        return compareFragment(revision, other.revision);
    }

    /** dpkg's order of one character in a non-digit run: ~ first, end of run, letters, then the rest. */
    private static int order(final char c) {
        if (Character.isDigit(c) && c <= '9') {
            return 0;
        }
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
            return c;
        }
        if (c == '~') {
            return -1;
        }
        return c + 256;
    }

    private static boolean digit(final char c) {
        return c >= '0' && c <= '9';
    }

    /** dpkg's verrevcmp. */
    static int compareFragment(final String a, final String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            int firstDiff = 0;
            while ((i < a.length() && !digit(a.charAt(i))) || (j < b.length() && !digit(b.charAt(j)))) {
                final int ac = i < a.length() ? order(a.charAt(i)) : 0;
                final int bc = j < b.length() ? order(b.charAt(j)) : 0;
                if (ac != bc) {
                    return Integer.signum(ac - bc);
                }
                i++;
                j++;
            }
            while (i < a.length() && a.charAt(i) == '0') {
                i++;
            }
            while (j < b.length() && b.charAt(j) == '0') {
                j++;
            }
            while (i < a.length() && digit(a.charAt(i)) && j < b.length() && digit(b.charAt(j))) {
                if (firstDiff == 0) {
                    firstDiff = a.charAt(i) - b.charAt(j);
                }
                i++;
                j++;
            }
            if (i < a.length() && digit(a.charAt(i))) {
                return 1;
            }
            if (j < b.length() && digit(b.charAt(j))) {
                return -1;
            }
            if (firstDiff != 0) {
                return Integer.signum(firstDiff);
            }
        }
        return 0;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof DebianVersion v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        // equal versions may differ in text ("1.0" = "1.00" = "1.0-0"): hash what they surely share
        return Long.hashCode(epoch);
    }

    @Override
    public String toString() {
        return text;
    }
}
