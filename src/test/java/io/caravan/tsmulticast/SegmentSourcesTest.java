package io.caravan.tsmulticast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentSourcesTest {

    @TempDir
    Path dir;

    private static List<String> drain(final SegmentSource s, final int max) throws Exception {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            final Segment seg = s.next();
            if (seg == null) {
                out.add("(none)");
            } else if (seg == SegmentSource.END) {
                out.add("(end)");
                break;
            } else {
                out.add((seg.discontinuity() ? "!" : "") + seg.name());
            }
        }
        return out;
    }

    @Test
    void directoryInNameOrderThenEnd() throws Exception {
        for (final String n : List.of("b.ts", "a.ts", "c.ts", "notes.txt")) {
            Files.write(dir.resolve(n), new byte[1]);
        }
        assertThat(drain(new DirectorySource(dir, false), 10)).containsExactly("a.ts", "b.ts", "c.ts", "(end)");
    }

    @Test
    void directoryLoopsWithADiscontinuityAndPicksUpNewFiles() throws Exception {
        Files.write(dir.resolve("a.ts"), new byte[1]);
        final DirectorySource s = new DirectorySource(dir, true);
        assertThat(s.next().name()).isEqualTo("a.ts");
        Files.write(dir.resolve("b.ts"), new byte[1]);
        assertThat(drain(s, 3)).containsExactly("!a.ts", "b.ts", "!a.ts");
    }

    @Test
    void emptyDirectoryHasNothingYet() throws Exception {
        assertThat(new DirectorySource(dir, true).next()).isNull();
    }

    @Test
    void missingDirectoryIsAnError() {
        assertThatThrownBy(() -> new DirectorySource(dir.resolve("nope"), true).next()).hasMessageContaining("does not exist");
    }

    @Test
    void vodPlaylistResolvesRelativeUrisAndLoops() throws Exception {
        Files.writeString(dir.resolve("index.m3u8"), "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\ns0.ts\n#EXTINF:2,\nsub/s1.ts\n#EXT-X-ENDLIST\n");
        final HlsPlaylistSource s = new HlsPlaylistSource(dir.resolve("index.m3u8"), true);
        final Segment first = s.next();
        assertThat(first.path()).isEqualTo(dir.resolve("s0.ts").toAbsolutePath());
        assertThat(drain(s, 3)).containsExactly("sub/s1.ts", "!s0.ts", "sub/s1.ts");
    }

    @Test
    void vodPlaylistWithoutLoopEnds() throws Exception {
        Files.writeString(dir.resolve("index.m3u8"), "#EXTM3U\n#EXTINF:2,\ns0.ts\n#EXT-X-ENDLIST\n");
        assertThat(drain(new HlsPlaylistSource(dir.resolve("index.m3u8"), false), 5)).containsExactly("s0.ts", "(end)");
    }

    @Test
    void livePlaylistStartsThreeFromTheEdgeAndFollowsItsGrowth() throws Exception {
        final Path m3u8 = dir.resolve("live.m3u8");
        Files.writeString(m3u8, live(10, 5, false));
        final HlsPlaylistSource s = new HlsPlaylistSource(m3u8, true);
        assertThat(drain(s, 4)).containsExactly("s12.ts", "s13.ts", "s14.ts", "(none)");
        Files.writeString(m3u8, live(11, 5, false));
        assertThat(drain(s, 2)).containsExactly("s15.ts", "(none)");
        Files.writeString(m3u8, live(11, 6, true));
        assertThat(drain(s, 2)).containsExactly("s16.ts", "!s11.ts");
    }

    @Test
    void aLiveReaderThatFellBehindJumpsWithADiscontinuity() throws Exception {
        final Path m3u8 = dir.resolve("live.m3u8");
        Files.writeString(m3u8, live(0, 4, false));
        final HlsPlaylistSource s = new HlsPlaylistSource(m3u8, false);
        assertThat(s.next().name()).isEqualTo("s1.ts");
        Files.writeString(m3u8, live(20, 4, false));
        assertThat(drain(s, 1)).containsExactly("!s20.ts");
    }

    @Test
    void aMissingPlaylistIsAnError() {
        assertThatThrownBy(() -> new HlsPlaylistSource(dir.resolve("gone.m3u8"), true).next()).hasMessageContaining("does not exist");
    }

    @Test
    void sourceKindFollowsTheName() {
        assertThat(SegmentSource.of("/x/index.m3u8", true)).isInstanceOf(HlsPlaylistSource.class);
        assertThat(SegmentSource.of("/x/segments", true)).isInstanceOf(DirectorySource.class);
    }

    private static String live(final int first, final int count, final boolean ended) {
        final StringBuilder b = new StringBuilder("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:" + first + "\n");
        for (int i = first; i < first + count; i++) {
            b.append("#EXTINF:2,\ns").append(i).append(".ts\n");
        }
        return b.append(ended ? "#EXT-X-ENDLIST\n" : "").toString();
    }
}
