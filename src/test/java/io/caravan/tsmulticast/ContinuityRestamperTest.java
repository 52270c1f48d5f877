package io.caravan.tsmulticast;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContinuityRestamperTest {

    @Test
    void keepsAlreadyContinuousCounters() {
        final ContinuityRestamper r = new ContinuityRestamper();
        for (int i = 0; i < 40; i++) {
            final byte[] p = TsFixtures.packet(0x100, false, i);
            r.restamp(p, 0);
            assertThat(TsPackets.continuityCounter(p, 0)).isEqualTo(i & 15);
        }
    }

    @Test
    void aJoinOfTwoFilesContinuesTheCount() {
        final ContinuityRestamper r = new ContinuityRestamper();
        for (int i = 0; i < 7; i++) {
            r.restamp(TsFixtures.packet(0x100, false, i), 0);
        }
        // the next file starts again at 0 (a loop restart or another encoder)
        final byte[] first = TsFixtures.packet(0x100, true, 0);
        r.restamp(first, 0);
        assertThat(TsPackets.continuityCounter(first, 0)).isEqualTo(7);
    }

    @Test
    void countersWrapAt16() {
        final ContinuityRestamper r = new ContinuityRestamper();
        int last = -1;
        for (int i = 0; i < 33; i++) {
            final byte[] p = TsFixtures.packet(0x100, false, 3);
            r.restamp(p, 0);
            last = TsPackets.continuityCounter(p, 0);
        }
        assertThat(last).isEqualTo((3 + 32) & 15);
    }

    @Test
    void adaptationOnlyPacketsRepeatTheCounter() {
        final ContinuityRestamper r = new ContinuityRestamper();
        final byte[] a = TsFixtures.packet(0x100, false, 5);
        r.restamp(a, 0);
        final byte[] af = TsFixtures.adaptationOnly(0x100, 9);
        r.restamp(af, 0);
        assertThat(TsPackets.continuityCounter(af, 0)).isEqualTo(5);
        final byte[] b = TsFixtures.packet(0x100, false, 0);
        r.restamp(b, 0);
        assertThat(TsPackets.continuityCounter(b, 0)).isEqualTo(6);
    }

    @Test
    void pidsCountIndependentlyAndNullPacketsAreLeftAlone() {
        final ContinuityRestamper r = new ContinuityRestamper();
        r.restamp(TsFixtures.packet(0x100, false, 4), 0);
        final byte[] other = TsFixtures.packet(0x101, false, 11);
        r.restamp(other, 0);
        assertThat(TsPackets.continuityCounter(other, 0)).isEqualTo(11);
        final byte[] nul = TsFixtures.packet(TsPackets.NULL_PID, false, 13);
        r.restamp(nul, 0);
        assertThat(TsPackets.continuityCounter(nul, 0)).isEqualTo(13);
    }
}
