package io.caravan.tsmulticast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HlsPlaylistTest {

    @Test
    void parsesAVodPlaylist() {
        final HlsPlaylist p = HlsPlaylist.parse("""
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-TARGETDURATION:2
                #EXT-X-MEDIA-SEQUENCE:0
                #EXTINF:2.000000,
                seg0.ts
                #EXTINF:2.000000,
                seg1.ts
                #EXT-X-ENDLIST
                """);
        assertThat(p.ended()).isTrue();
        assertThat(p.targetDuration()).isEqualTo(2.0);
        assertThat(p.entries()).extracting(HlsPlaylist.Entry::uri).containsExactly("seg0.ts", "seg1.ts");
        assertThat(p.entries()).extracting(HlsPlaylist.Entry::sequence).containsExactly(0L, 1L);
    }

    @Test
    void liveWindowNumbersFromTheMediaSequence() {
        final HlsPlaylist p = HlsPlaylist.parse("#EXTM3U\r\n#EXT-X-MEDIA-SEQUENCE:41\r\n#EXTINF:2,\r\na.ts\r\n#EXT-X-DISCONTINUITY\r\n#EXTINF:2,\r\nb.ts\r\n");
        assertThat(p.ended()).isFalse();
        assertThat(p.entries()).extracting(HlsPlaylist.Entry::sequence).containsExactly(41L, 42L);
        assertThat(p.entries()).extracting(HlsPlaylist.Entry::discontinuity).containsExactly(false, true);
    }

    @Test
    void rejectsWhatIsNotAPlaylist() {
        assertThatThrownBy(() -> HlsPlaylist.parse("<html>")).hasMessageContaining("#EXTM3U");
    }

    @Test
    void rejectsAMasterPlaylist() {
        assertThatThrownBy(() -> HlsPlaylist.parse("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlow.m3u8\n")).hasMessageContaining("master");
    }
}
