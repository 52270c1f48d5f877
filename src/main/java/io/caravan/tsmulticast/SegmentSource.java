package io.caravan.tsmulticast;

import java.io.IOException;

/** Where a channel's segments come from, in order. */
public interface SegmentSource {

    /** Result of {@link #next()} when a non-looping source has sent everything. */
    Segment END = new Segment("(end)", null, false);

    /**
     * The next segment; {@code null} when none is available yet (a live playlist or an empty
     * directory: ask again later); {@link #END} when a non-looping source is finished.
     *
     * @throws IOException when the source itself (playlist, directory) cannot be read; the
     *                     channel counts the error and asks again later
     */
    Segment next() throws IOException;

    static SegmentSource of(final String source, final boolean loop) {
        final java.nio.file.Path path = java.nio.file.Path.of(source.startsWith("file:") ? source.substring(5) : source);
        if (source.endsWith(".m3u8")) {
            return new HlsPlaylistSource(path, loop);
        }
        return new DirectorySource(path, loop);
    }
}
