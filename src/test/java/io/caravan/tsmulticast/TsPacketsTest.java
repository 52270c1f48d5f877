package io.caravan.tsmulticast;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TsPacketsTest {

    @Test
    void readsPidPusiAndCounter() {
        final byte[] p = TsFixtures.packet(0x1ABC, true, 9);
        assertThat(TsPackets.pid(p, 0)).isEqualTo(0x1ABC);
        assertThat(TsPackets.payloadUnitStart(p, 0)).isTrue();
        assertThat(TsPackets.continuityCounter(p, 0)).isEqualTo(9);
        assertThat(TsPackets.hasPayload(p, 0)).isTrue();
        assertThat(TsPackets.hasPcr(p, 0)).isFalse();
        assertThat(TsPackets.pcr(p, 0)).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 299, 300, 27_000_000L, (1L << 33) * 300 - 1, 123_456_789_012L})
    void pcrRoundTrips(final long pcr) {
        final byte[] p = TsFixtures.pcrPacket(0x100, 0, pcr);
        assertThat(TsPackets.hasPcr(p, 0)).isTrue();
        assertThat(TsPackets.pcr(p, 0)).isEqualTo(pcr);
    }

    @Test
    void decodesAKnownPcrField() {
        // base = 0x1_0000_0001 (2^32 + 1), ext = 0x123
        final byte[] p = TsFixtures.pcrPacket(0x100, 0, 0);
        final byte[] field = {(byte) 0x80, 0x00, 0x00, 0x00, (byte) 0xFF, 0x23};
        System.arraycopy(field, 0, p, 6, 6);
        assertThat(TsPackets.pcr(p, 0)).isEqualTo(((1L << 32) + 1) * 300 + 0x123);
    }

    @Test
    void setsCounterAndDiscontinuityInPlace() {
        final byte[] p = TsFixtures.pcrPacket(0x100, 3, 1000);
        TsPackets.setContinuityCounter(p, 0, 14);
        assertThat(TsPackets.continuityCounter(p, 0)).isEqualTo(14);
        assertThat(TsPackets.pid(p, 0)).isEqualTo(0x100);
        assertThat(TsPackets.discontinuityIndicator(p, 0)).isFalse();
        assertThat(TsPackets.setDiscontinuityIndicator(p, 0)).isTrue();
        assertThat(TsPackets.discontinuityIndicator(p, 0)).isTrue();
        assertThat(TsPackets.pcr(p, 0)).isEqualTo(1000);
    }

    @Test
    void noAdaptationFieldMeansNoDiscontinuityFlag() {
        final byte[] p = TsFixtures.packet(0x100, false, 0);
        assertThat(TsPackets.setDiscontinuityIndicator(p, 0)).isFalse();
    }

    @Test
    void nullPacketIsPid1fff() {
        final byte[] b = new byte[TsPackets.SIZE * 2];
        TsPackets.writeNull(b, TsPackets.SIZE);
        assertThat(b[TsPackets.SIZE]).isEqualTo((byte) 0x47);
        assertThat(TsPackets.pid(b, TsPackets.SIZE)).isEqualTo(TsPackets.NULL_PID);
    }
}
