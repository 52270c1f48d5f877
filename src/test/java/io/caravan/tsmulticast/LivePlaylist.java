package io.caravan.tsmulticast;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A growing (live) HLS playlist for the namespace test: starts with the first of the VOD's four
 * 1 s segments listed, then publishes one more every second, half a second ahead of need (as an
 * encoder that finished the segment), and finally writes #EXT-X-ENDLIST.
 */
final class LivePlaylist implements AutoCloseable {

    private static final int SEGMENTS = 4;

    private final Path playlist;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    LivePlaylist(final Path playlist) {
        this.playlist = playlist;
    }

    /** Copies the VOD segments into {@code dir} and writes the playlist with one segment; returns it. */
    static Path prepare(final Path vod, final Path dir) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < SEGMENTS; i++) {
            final String name = String.format("seg%03d.ts", i);
            Files.copy(vod.resolve(name), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        final Path playlist = dir.resolve("live.m3u8");
        write(playlist, 1, false);
        return playlist;
    }

    void start() {
        for (int n = 2; n <= SEGMENTS; n++) {
            final int count = n;
            timer.schedule(() -> publish(count, false), (n - 2) * 1000L + 500, TimeUnit.MILLISECONDS);
        }
        timer.schedule(() -> publish(SEGMENTS, true), (SEGMENTS - 2) * 1000L + 700, TimeUnit.MILLISECONDS);
    }

    private void publish(final int count, final boolean ended) {
        try {
            write(playlist, count, ended);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(final Path playlist, final int count, final boolean ended) throws IOException {
        final StringBuilder b = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n");
        for (int i = 0; i < count; i++) {
            b.append("#EXTINF:1.0,\n").append(String.format("seg%03d.ts", i)).append('\n');
        }
        if (ended) {
            b.append("#EXT-X-ENDLIST\n");
        }
        // write then rename: a reader never sees a half-written playlist
        final Path tmp = playlist.resolveSibling(playlist.getFileName() + ".tmp");
        Files.writeString(tmp, b, StandardCharsets.UTF_8);
        Files.move(tmp, playlist, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
