package io.caravan.tsmulticast;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * One channel as configured under {@code ts-multicast.channel.<id>.*}.
 *
 * @param id        [a-z0-9-]+, also the end of the channel's route id {@code ts-multicast-send-<id>}
 * @param source    an HLS media playlist ({@code .m3u8}) or a directory of {@code .ts} files
 * @param group     IPv4 multicast group (224.0.0.0/4)
 * @param port      UDP port
 * @param ttl       IP_MULTICAST_TTL (0..255; 1 keeps it on the local subnet)
 * @param iface     network interface the datagrams leave by (e.g. {@code eth0}, {@code lo})
 * @param loop      start again from the first segment at the end of a VOD playlist or directory
 * @param bitrate   bits per second for streams without PCR
 * @param autostart start with the application
 * @param output    {@value #OUTPUT_ROUTE}: datagrams go through the channel's Camel route (direct: → netty UDP
 *                  producer); {@value #OUTPUT_NETTY}: a Netty channel owned by the sender, the pacing loop on
 *                  its event loop (cheaper and more punctual, see {@link NettyChannelSink})
 */
public record ChannelConfig(String id, String source, String group, int port, int ttl, String iface, boolean loop,
        long bitrate, boolean autostart, String output) {

    public static final String OUTPUT_ROUTE = "camel-route";
    public static final String OUTPUT_NETTY = "netty-channel";

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

    public ChannelConfig {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("channel id must match [a-z0-9][a-z0-9-]*, was '" + id + "'");
        }
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("channel " + id + ": source is required");
        }
        if (group == null || !isMulticast(group)) {
            throw new IllegalArgumentException("channel " + id + ": group must be an IPv4 multicast address (224.0.0.0/4), was '" + group + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("channel " + id + ": port must be 1..65535, was " + port);
        }
        if (ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException("channel " + id + ": ttl must be 0..255, was " + ttl);
        }
        if (iface == null || iface.isBlank()) {
            throw new IllegalArgumentException("channel " + id + ": interface is required");
        }
        if (!OUTPUT_ROUTE.equals(output) && !OUTPUT_NETTY.equals(output)) {
            throw new IllegalArgumentException("channel " + id + ": output must be " + OUTPUT_ROUTE + " or " + OUTPUT_NETTY + ", was '" + output + "'");
        }
        if (bitrate < 10_000) {
            throw new IllegalArgumentException("channel " + id + ": bitrate must be at least 10000 bit/s, was " + bitrate);
        }
    }

    /**
     * Reads channel {@code id} from flat properties; {@code ts-multicast.channel.<id>.<key>} wins
     * over {@code ts-multicast.default.<key>}.
     */
    public static ChannelConfig from(final String id, final Map<String, String> props) {
        return new ChannelConfig(id, get(props, id, "source", null), get(props, id, "group", null),
                integer(props, id, "port", "5000"), integer(props, id, "ttl", "1"), get(props, id, "interface", "lo"),
                Boolean.parseBoolean(get(props, id, "loop", "true")),
                Long.parseLong(get(props, id, "bitrate", "2000000").trim()),
                Boolean.parseBoolean(get(props, id, "autostart", "false")), get(props, id, "output", OUTPUT_NETTY));
    }

    private static int integer(final Map<String, String> props, final String id, final String key, final String dflt) {
        final String v = get(props, id, key, dflt);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("channel " + id + ": " + key + " is not a number: '" + v + "'");
        }
    }

    private static String get(final Map<String, String> props, final String id, final String key, final String dflt) {
        final String own = props.get("ts-multicast.channel." + id + "." + key);
        if (own != null && !own.isBlank()) {
            return own.trim();
        }
        final String common = props.get("ts-multicast.default." + key);
        return common != null && !common.isBlank() ? common.trim() : dflt;
    }

    private static boolean isMulticast(final String group) {
        final String[] parts = group.split("\\.");
        if (parts.length != 4) {
            return false;
        }
        try {
            for (final String p : parts) {
                final int v = Integer.parseInt(p);
                if (v < 0 || v > 255) {
                    return false;
                }
            }
            final int first = Integer.parseInt(parts[0]);
            return first >= 224 && first <= 239;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
