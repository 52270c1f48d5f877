package io.caravan.tsmulticast;

import java.util.ArrayList;
import java.util.List;

/**
 * A media playlist (RFC 8216): its segments with their media sequence numbers, the target duration
 * and whether it is complete ({@code #EXT-X-ENDLIST}, VOD) or still growing (live). Master
 * playlists are rejected.
 */
public record HlsPlaylist(long mediaSequence, double targetDuration, boolean ended, List<Entry> entries) {

    /** One segment line: its sequence number, URI as written and whether a discontinuity precedes it. */
    public record Entry(long sequence, String uri, boolean discontinuity) {
    }

    public static HlsPlaylist parse(final String text) {
        final String[] lines = text.replace("\r", "").split("\n");
        if (lines.length == 0 || !lines[0].trim().equals("#EXTM3U")) {
            throw new IllegalArgumentException("not an HLS playlist: first line is not #EXTM3U");
        }
        long sequence = 0;
        double target = 0;
        boolean ended = false;
        boolean discontinuity = false;
        final List<Entry> entries = new ArrayList<>();
        long next = -1;
        for (final String raw : lines) {
            final String line = raw.trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                sequence = Long.parseLong(line.substring(22).trim());
            } else if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                target = Double.parseDouble(line.substring(22).trim());
            } else if (line.equals("#EXT-X-ENDLIST")) {
                ended = true;
            } else if (line.equals("#EXT-X-DISCONTINUITY")) {
                discontinuity = true;
            } else if (line.startsWith("#EXT-X-STREAM-INF")) {
                throw new IllegalArgumentException("a master playlist: point the channel at one media playlist");
            } else if (!line.startsWith("#")) {
                if (next < 0) {
                    next = sequence;
                }
                entries.add(new Entry(next++, line, discontinuity));
                discontinuity = false;
            }
        }
        return new HlsPlaylist(sequence, target, ended, List.copyOf(entries));
    }
}
