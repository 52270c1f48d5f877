package io.caravan.tsmulticast;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PcrTest {

    @Test
    void diffIsPlainBetweenNearbyValues() {
        assertThat(Pcr.diff(27_000_000L, 0)).isEqualTo(27_000_000L);
        assertThat(Pcr.diff(0, 27_000_000L)).isEqualTo(-27_000_000L);
    }

    @Test
    void diffCrossesTheWrapForward() {
        final long beforeWrap = Pcr.WRAP - 100;
        assertThat(Pcr.diff(50, beforeWrap)).isEqualTo(150);
    }

    @Test
    void diffCrossesTheWrapBackward() {
        assertThat(Pcr.diff(Pcr.WRAP - 100, 50)).isEqualTo(-150);
    }

    @Test
    void wrapIs2To33Times300() {
        assertThat(Pcr.WRAP).isEqualTo(8_589_934_592L * 300);
    }

    @Test
    void ticksToNanos() {
        assertThat(Pcr.ticksToNanos(27)).isEqualTo(1000);
        assertThat(Pcr.ticksToNanos(27_000_000L)).isEqualTo(1_000_000_000L);
        assertThat(Pcr.ticksToNanos(27_000_000L * 100_000 + 27)).isEqualTo(100_000_000_001_000L);
    }

    @Test
    void ticksPerPacketAtTwoMegabit() {
        // 188 × 8 bits at 2 Mbit/s = 752 µs = 20304 ticks
        assertThat(Pcr.ticksPerPacket(2_000_000)).isEqualTo(20304.0);
    }
}
