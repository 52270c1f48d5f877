package io.caravan.tsmulticast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TsSegmentParserTest {

    @Test
    void cleanStreamPassesUnchanged() throws Exception {
        final byte[] in = TsFixtures.stream(100, 10, 0, 2_000_000);
        final TsSegment s = TsSegmentParser.parse("a.ts", in);
        assertThat(s.packets()).isEqualTo(102);
        assertThat(s.garbage()).isZero();
        assertThat(s.resyncs()).isZero();
        assertThat(s.truncated()).isFalse();
        assertThat(Arrays.copyOf(s.data(), s.packets() * 188)).isEqualTo(in);
    }

    @Test
    void leadingGarbageIsSkippedAndCounted() throws Exception {
        final byte[] in = TsFixtures.concat(new byte[] {1, 2, 0x47, 4, 5}, TsFixtures.stream(20, 5, 0, 2_000_000));
        final TsSegment s = TsSegmentParser.parse("a.ts", in);
        assertThat(s.packets()).isEqualTo(22);
        assertThat(s.garbage()).isEqualTo(5);
    }

    @Test
    void garbageInTheMiddleCausesOneResync() throws Exception {
        final byte[] good = TsFixtures.stream(20, 5, 0, 2_000_000);
        final byte[] in = TsFixtures.concat(Arrays.copyOf(good, 188 * 10), new byte[77], Arrays.copyOfRange(good, 188 * 10, good.length));
        final TsSegment s = TsSegmentParser.parse("a.ts", in);
        assertThat(s.packets()).isEqualTo(22);
        assertThat(s.garbage()).isEqualTo(77);
        assertThat(s.resyncs()).isEqualTo(1);
        assertThat(TsPackets.pid(s.data(), 10 * 188)).isEqualTo(TsPackets.pid(good, 10 * 188));
    }

    @Test
    void aDamagedPacketHeaderIsDroppedWithItsBytes() throws Exception {
        final byte[] in = TsFixtures.stream(20, 5, 0, 2_000_000);
        in[188 * 5] = 0x00; // packet 5 lost its sync byte
        final TsSegment s = TsSegmentParser.parse("a.ts", in);
        assertThat(s.packets()).isEqualTo(21);
        assertThat(s.garbage()).isEqualTo(188);
    }

    @Test
    void truncatedLastPacketIsReported() throws Exception {
        final byte[] good = TsFixtures.stream(20, 5, 0, 2_000_000);
        final TsSegment s = TsSegmentParser.parse("a.ts", Arrays.copyOf(good, good.length - 100));
        assertThat(s.truncated()).isTrue();
        assertThat(s.packets()).isEqualTo(21);
        assertThat(s.garbage()).isEqualTo(88);
    }

    @Test
    void randomBytesAreNotTs() {
        final byte[] junk = new byte[50_000];
        new Random(42).nextBytes(junk);
        assertThatThrownBy(() -> TsSegmentParser.parse("junk.ts", junk)).isInstanceOf(NotTransportStreamException.class)
                .hasMessageContaining("junk.ts is not MPEG-TS");
    }

    @Test
    void textIsNotTs() {
        assertThatThrownBy(() -> TsSegmentParser.parse("x.ts", "<html>not found</html>".repeat(50).getBytes()))
                .isInstanceOf(NotTransportStreamException.class);
    }

    @Test
    void emptyFileIsNotTs() {
        assertThatThrownBy(() -> TsSegmentParser.parse("e.ts", new byte[0])).hasMessageContaining("empty");
    }

    @Test
    void mostlyGarbageIsRejected() {
        final byte[] junk = new byte[10_000];
        final byte[] in = TsFixtures.concat(junk, TsFixtures.stream(3, 1, 0, 2_000_000));
        assertThatThrownBy(() -> TsSegmentParser.parse("m.ts", in)).isInstanceOf(NotTransportStreamException.class);
    }
}
