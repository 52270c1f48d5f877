package io.caravan.mqttacl;

/**
 * MQTT topic names and filters (MQTT 3.1.1 / 5, section 4.7): validity, matching, and coverage of
 * one filter by another ("every topic the requested filter can match is matched by the grant").
 */
public final class TopicFilters {

    private TopicFilters() {
    }

    /** A topic name as used in PUBLISH: non-empty, no wildcards, no NUL. */
    public static boolean isValidTopic(final String topic) {
        if (topic == null || topic.isEmpty() || topic.length() > 65535) {
            return false;
        }
        for (int i = 0; i < topic.length(); i++) {
            final char c = topic.charAt(i);
            if (c == '+' || c == '#' || c == '\0') {
                return false;
            }
        }
        return true;
    }

    /** A topic filter as used in SUBSCRIBE: {@code +} fills a whole level, {@code #} is last and alone. */
    public static boolean isValidFilter(final String filter) {
        if (filter == null || filter.isEmpty() || filter.length() > 65535 || filter.indexOf('\0') >= 0) {
            return false;
        }
        final String[] levels = split(filter);
        for (int i = 0; i < levels.length; i++) {
            final String level = levels[i];
            if (level.indexOf('#') >= 0 && (!level.equals("#") || i != levels.length - 1)) {
                return false;
            }
            if (level.indexOf('+') >= 0 && !level.equals("+")) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code filter} matches the topic name {@code topic} (both assumed valid). */
    public static boolean matches(final String filter, final String topic) {
        return covers(filter, topic);
    }

    /**
     * True when every topic name that {@code requested} (a topic name or a filter) can match is also
     * matched by {@code grant}. Topics starting with {@code $} are never matched by a wildcard in
     * the first level (MQTT 4.7.2), so {@code #} does not cover {@code $SYS/#}.
     */
    public static boolean covers(final String grant, final String requested) {
        final String[] g = split(grant);
        final String[] r = split(requested);
        for (int i = 0; ; i++) {
            final boolean gEnd = i == g.length;
            final boolean rEnd = i == r.length;
            if (gEnd && rEnd) {
                return true;
            }
            if (gEnd) {
                return false;
            }
            final String gl = g[i];
            if (gl.equals("#")) {
                return i != 0 || !startsWithDollarLiteral(r);
            }
            if (rEnd) {
                return false;
            }
            final String rl = r[i];
            if (rl.equals("#")) {
                return false;
            }
            if (gl.equals("+")) {
                if (i == 0 && startsWithDollarLiteral(r)) {
                    return false;
                }
                continue;
            }
            if (rl.equals("+") || !gl.equals(rl)) {
                return false;
            }
        }
    }

    private static boolean startsWithDollarLiteral(final String[] levels) {
        return levels.length > 0 && levels[0].startsWith("$");
    }

    /** Splits on '/', keeping empty levels (including leading and trailing ones). */
    static String[] split(final String topic) {
        return topic.split("/", -1);
    }
}
