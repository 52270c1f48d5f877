package io.caravan.tsmulticast;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Segments of a local HLS media playlist. VOD (with {@code #EXT-X-ENDLIST}): every segment in
 * order, then again from the top with a discontinuity when looping. Live (no ENDLIST): the
 * playlist is re-read as it grows; the channel starts three segments from the live edge (as
 * players do) and follows by media sequence number; when it falls behind the sliding window it
 * jumps to the oldest segment still listed, with a discontinuity.
 */
public final class HlsPlaylistSource implements SegmentSource {

    private static final int LIVE_START_FROM_END = 3;

    private final Path playlist;
    private final boolean loop;
    private HlsPlaylist current;
    private long nextSequence = -1;
    private boolean gap;
    private boolean anySent;

    public HlsPlaylistSource(final Path playlist, final boolean loop) {
        this.playlist = playlist;
        this.loop = loop;
    }

    @Override
    public Segment next() throws IOException {
        if (current == null || !current.ended() || nextIndex() >= current.entries().size()) {
            reload();
        }
        if (current.entries().isEmpty()) {
            return current.ended() ? END : null;
        }
        if (nextSequence < 0) {
            final int start = current.ended() ? 0 : Math.max(0, current.entries().size() - LIVE_START_FROM_END);
            nextSequence = current.entries().get(start).sequence();
        }
        final long first = current.entries().get(0).sequence();
        if (nextSequence < first) {
            nextSequence = first;
            gap = true;
        }
        int index = nextIndex();
        if (index >= current.entries().size()) {
            if (!current.ended()) {
                return null;
            }
            if (!loop) {
                return END;
            }
            nextSequence = first;
            gap = true;
            index = 0;
        }
        final HlsPlaylist.Entry entry = current.entries().get(index);
        nextSequence = entry.sequence() + 1;
        final boolean discontinuity = (gap && anySent) || entry.discontinuity();
        gap = false;
        anySent = true;
        return new Segment(entry.uri(), resolve(entry.uri()), discontinuity);
    }

    private int nextIndex() {
        if (current.entries().isEmpty()) {
            return 0;
        }
        return (int) (nextSequence - current.entries().get(0).sequence());
    }

    private void reload() throws IOException {
        if (!Files.isRegularFile(playlist)) {
            throw new IOException("playlist " + playlist + " does not exist");
        }
        try {
            current = HlsPlaylist.parse(Files.readString(playlist, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException("playlist " + playlist + ": " + e.getMessage(), e);
        }
    }

    private Path resolve(final String uri) {
        final String plain = uri.startsWith("file:") ? uri.substring(5) : uri;
        final Path p = Path.of(plain);
        return p.isAbsolute() ? p : playlist.toAbsolutePath().getParent().resolve(p);
    }
}
