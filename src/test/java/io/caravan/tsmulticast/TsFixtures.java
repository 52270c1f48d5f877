package io.caravan.tsmulticast;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Hand-made TS packets for bean tests: PAT, PMT, PCR-bearing and payload packets. */
final class TsFixtures {

    static final int PMT_PID = 0x1000;
    static final int VIDEO_PID = 0x100;

    private TsFixtures() {
    }

    static byte[] packet(final int pid, final boolean pusi, final int cc) {
        final byte[] p = new byte[TsPackets.SIZE];
        p[0] = 0x47;
        p[1] = (byte) ((pusi ? 0x40 : 0) | (pid >> 8));
        p[2] = (byte) pid;
        p[3] = (byte) (0x10 | (cc & 0xF));
        Arrays.fill(p, 4, TsPackets.SIZE, (byte) 0xAB);
        return p;
    }

    /** A packet with adaptation field + payload carrying a PCR. */
    static byte[] pcrPacket(final int pid, final int cc, final long pcr27) {
        final byte[] p = packet(pid, false, cc);
        p[3] = (byte) (0x30 | (cc & 0xF));
        p[4] = 7;
        p[5] = 0x10;
        TsPackets.writePcr(p, 0, pcr27);
        return p;
    }

    static byte[] adaptationOnly(final int pid, final int cc) {
        final byte[] p = packet(pid, false, cc);
        p[3] = (byte) (0x20 | (cc & 0xF));
        p[4] = (byte) 183;
        p[5] = 0;
        return p;
    }

    static byte[] pat(final int pmtPid) {
        final byte[] p = packet(0, true, 0);
        final int[] section = {0x00, 0x00, 0xB0, 0x0D, 0x00, 0x01, 0xC1, 0x00, 0x00, 0x00, 0x01, 0xE0 | (pmtPid >> 8), pmtPid & 0xFF,
            0, 0, 0, 0};
        for (int i = 0; i < section.length; i++) {
            p[4 + i] = (byte) section[i];
        }
        return p;
    }

    static byte[] pmt(final int pmtPid, final int pcrPid) {
        final byte[] p = packet(pmtPid, true, 0);
        final int[] section = {0x00, 0x02, 0xB0, 0x12, 0x00, 0x01, 0xC1, 0x00, 0x00, 0xE0 | (pcrPid >> 8), pcrPid & 0xFF, 0xF0, 0x00,
            0x1B, 0xE0 | (VIDEO_PID >> 8), VIDEO_PID & 0xFF, 0xF0, 0x00, 0, 0, 0, 0};
        for (int i = 0; i < section.length; i++) {
            p[4 + i] = (byte) section[i];
        }
        return p;
    }

    static byte[] concat(final byte[]... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] b : parts) {
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    /**
     * A constant-rate stream: PAT, PMT, then {@code packets} video packets with a PCR every
     * {@code pcrEvery} packets, starting at {@code pcr0}, at {@code bitrate} bit/s.
     */
    static byte[] stream(final int packets, final int pcrEvery, final long pcr0, final long bitrate) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(pat(PMT_PID));
        out.writeBytes(pmt(PMT_PID, VIDEO_PID));
        final double tpp = Pcr.ticksPerPacket(bitrate);
        for (int i = 0; i < packets; i++) {
            final long pcr = (pcr0 + Math.round(tpp * (i + 2))) % Pcr.WRAP;
            out.writeBytes(i % pcrEvery == 0 ? pcrPacket(VIDEO_PID, i, pcr) : packet(VIDEO_PID, i == 0, i));
        }
        return out.toByteArray();
    }
}
