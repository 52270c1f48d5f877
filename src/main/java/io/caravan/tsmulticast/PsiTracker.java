package io.caravan.tsmulticast;

/**
 * Follows PAT (PID 0) → PMT → PCR_PID. Only sections that start and end in one packet are read,
 * which is what muxers write for single-program streams. Until a PMT names it, the first PID seen
 * carrying a PCR is used.
 */
public final class PsiTracker {

    private int pmtPid = -1;
    private int pcrPid = -1;
    private boolean fromPmt;

    public int pcrPid() {
        return pcrPid;
    }

    public int pmtPid() {
        return pmtPid;
    }

    /** Looks at one packet; returns true when the PCR PID was learnt or changed by it. */
    public boolean accept(final byte[] b, final int off) {
        final int pid = TsPackets.pid(b, off);
        if (pid == 0 && TsPackets.payloadUnitStart(b, off)) {
            final int s = sectionStart(b, off);
            if (s > 0 && (b[s] & 0xFF) == 0x00) {
                final int end = Math.min(off + TsPackets.SIZE, s + 3 + sectionLength(b, s) - 4);
                for (int p = s + 8; p + 4 <= end; p += 4) {
                    final int program = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
                    if (program != 0) {
                        pmtPid = ((b[p + 2] & 0x1F) << 8) | (b[p + 3] & 0xFF);
                        break;
                    }
                }
            }
            return false;
        }
        if (pid == pmtPid && TsPackets.payloadUnitStart(b, off)) {
            final int s = sectionStart(b, off);
            if (s > 0 && s + 10 <= off + TsPackets.SIZE && (b[s] & 0xFF) == 0x02) {
                final int pcr = ((b[s + 8] & 0x1F) << 8) | (b[s + 9] & 0xFF);
                final boolean changed = pcr != pcrPid;
                pcrPid = pcr;
                fromPmt = true;
                return changed;
            }
            return false;
        }
        if (!fromPmt && pcrPid < 0 && TsPackets.hasPcr(b, off)) {
            pcrPid = pid;
            return true;
        }
        return false;
    }

    private static int sectionLength(final byte[] b, final int s) {
        return ((b[s + 1] & 0x0F) << 8) | (b[s + 2] & 0xFF);
    }

    /** Offset of the section's table_id inside the packet, or -1. */
    private static int sectionStart(final byte[] b, final int off) {
        int p = off + 4;
        if ((TsPackets.adaptationControl(b, off) & 2) != 0) {
            p += 1 + (b[off + 4] & 0xFF);
        }
        if (!TsPackets.hasPayload(b, off) || p >= off + TsPackets.SIZE) {
            return -1;
        }
        final int s = p + 1 + (b[p] & 0xFF);
        return s + 3 <= off + TsPackets.SIZE ? s : -1;
    }
}
