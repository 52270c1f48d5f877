package io.caravan.tsmulticast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class PcrPacerTest {

    private final List<Long> ticks = new ArrayList<>();
    private final List<byte[]> packets = new ArrayList<>();

    private PcrPacer pacer(final long fallback) {
        return new PcrPacer(fallback, (b, off, t) -> {
            ticks.add(t);
            packets.add(java.util.Arrays.copyOfRange(b, off, off + 188));
        });
    }

    /** Feeds a synthetic stream: {@code n} packets, PCR every {@code every}, rate {@code bps}, first PCR {@code pcr0}. */
    private static void feed(final PcrPacer p, final int n, final int every, final long pcr0, final long bps) {
        final double tpp = Pcr.ticksPerPacket(bps);
        for (int i = 0; i < n; i++) {
            if (i % every == 0) {
                final long pcr = (pcr0 + Math.round(tpp * i)) % Pcr.WRAP;
                p.add(TsFixtures.pcrPacket(0x100, i, pcr), 0, pcr);
            } else {
                p.add(TsFixtures.packet(0x100, false, i), 0, -1);
            }
        }
    }

    private void assertMonotonic() {
        for (int i = 1; i < ticks.size(); i++) {
            assertThat(ticks.get(i)).as("tick %d", i).isGreaterThan(ticks.get(i - 1));
        }
    }

    @Test
    void packetsBetweenPcrsFollowThePcrRate() {
        final PcrPacer p = pacer(1_000_000);
        feed(p, 101, 10, 5_000_000, 4_000_000);
        assertThat(ticks).hasSize(101);
        final double tpp = Pcr.ticksPerPacket(4_000_000);
        for (int i = 0; i < ticks.size(); i++) {
            assertThat((double) ticks.get(i)).as("packet %d", i).isCloseTo(tpp * i, within(1.0));
        }
        assertThat(p.bitsPerSecond()).isCloseTo(4_000_000, within(1.0));
        assertThat(p.discontinuities()).isZero();
    }

    @Test
    void packetsAfterTheLastPcrWaitForTheNextOne() {
        final PcrPacer p = pacer(1_000_000);
        feed(p, 15, 10, 0, 4_000_000);
        assertThat(ticks).hasSize(11);
        p.flush();
        assertThat(ticks).hasSize(15);
        assertMonotonic();
    }

    @Test
    void theWrapAt2To33IsNotADiscontinuity() {
        final PcrPacer p = pacer(1_000_000);
        final long nearWrap = Pcr.WRAP - Pcr.HZ / 10;
        feed(p, 1001, 10, nearWrap, 2_000_000); // ~0.75 s: crosses the wrap
        assertThat(p.discontinuities()).isZero();
        final double tpp = Pcr.ticksPerPacket(2_000_000);
        assertThat((double) ticks.get(1000)).isCloseTo(tpp * 1000, within(2.0));
    }

    @Test
    void aContinuousJoinKeepsTheTimeline() {
        final PcrPacer p = pacer(1_000_000);
        final double tpp = Pcr.ticksPerPacket(2_000_000);
        feed(p, 100, 10, 1000, 2_000_000);
        feed(p, 101, 10, 1000 + Math.round(tpp * 100), 2_000_000);
        assertThat(p.discontinuities()).isZero();
        assertThat((double) ticks.get(200)).isCloseTo(tpp * 200, within(2.0));
    }

    @Test
    void aLoopRestartReanchorsRightAfterThePreviousPacket() {
        final PcrPacer p = pacer(1_000_000);
        final double tpp = Pcr.ticksPerPacket(2_000_000);
        feed(p, 91, 10, 50_000_000, 2_000_000);
        feed(p, 91, 10, 50_000_000, 2_000_000); // PCR goes back
        assertThat(p.discontinuities()).isEqualTo(1);
        assertThat(ticks).hasSize(182);
        assertMonotonic();
        assertThat((double) ticks.get(91) - ticks.get(90)).isCloseTo(tpp, within(1.0));
        assertThat((double) ticks.get(181)).isCloseTo(tpp * 181, within(2.0));
        assertThat(TsPackets.discontinuityIndicator(packets.get(91), 0)).as("discontinuity_indicator on the new time base").isTrue();
        assertThat(TsPackets.discontinuityIndicator(packets.get(0), 0)).isFalse();
    }

    @Test
    void aForwardJumpOfMoreThanHalfASecondReanchors() {
        final PcrPacer p = pacer(1_000_000);
        feed(p, 91, 10, 0, 2_000_000);
        feed(p, 91, 10, Pcr.HZ * 10, 2_000_000);
        assertThat(p.discontinuities()).isEqualTo(1);
        assertThat((double) ticks.get(181)).isCloseTo(Pcr.ticksPerPacket(2_000_000) * 181, within(2.0));
    }

    @Test
    void aSignalledDiscontinuityReanchorsEvenWhenPcrLooksContinuous() {
        final PcrPacer p = pacer(1_000_000);
        final double tpp = Pcr.ticksPerPacket(2_000_000);
        feed(p, 91, 10, 0, 2_000_000);
        p.markDiscontinuity();
        feed(p, 91, 10, Math.round(tpp * 91), 2_000_000);
        assertThat(p.discontinuities()).isEqualTo(1);
        assertMonotonic();
    }

    @Test
    void aStreamWithoutPcrGoesAtTheFallbackBitrate() {
        final PcrPacer p = pacer(3_000_000);
        for (int i = 0; i < 50; i++) {
            p.add(TsFixtures.packet(0x100, false, i), 0, -1);
        }
        assertThat(ticks).isEmpty();
        p.flushAtFallbackRate();
        assertThat(ticks).hasSize(50);
        final double tpp = Pcr.ticksPerPacket(3_000_000);
        assertThat((double) ticks.get(49) - ticks.get(0)).isCloseTo(tpp * 49, within(2.0));
        assertThat(ticks.get(0)).isZero();
    }

    @Test
    void afterANoPcrSegmentTheNextPcrStartsANewTimeBase() {
        final PcrPacer p = pacer(3_000_000);
        feed(p, 91, 10, 0, 2_000_000);
        for (int i = 0; i < 20; i++) {
            p.add(TsFixtures.packet(0x100, false, i), 0, -1);
        }
        p.flushAtFallbackRate();
        feed(p, 91, 10, 900 * Pcr.HZ / 1000, 2_000_000);
        assertThat(p.discontinuities()).isEqualTo(1);
        assertMonotonic();
    }

    @Test
    void aFlushAtALiveStallKeepsTimeMonotonicWhenPcrResumes() {
        final PcrPacer p = pacer(1_000_000);
        feed(p, 95, 10, 0, 2_000_000);
        p.flush();
        feed(p, 5, 10, Math.round(Pcr.ticksPerPacket(2_000_000) * 95), 2_000_000);
        p.flush();
        assertThat(ticks).hasSize(100);
        assertMonotonic();
    }

    @Test
    void rejectsANonPositiveFallback() {
        assertThatThrownBy(() -> new PcrPacer(0, (b, o, t) -> { })).isInstanceOf(IllegalArgumentException.class);
    }
}
