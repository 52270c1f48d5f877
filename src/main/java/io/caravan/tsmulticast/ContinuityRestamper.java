package io.caravan.tsmulticast;

/**
 * Rewrites continuity counters so that each PID counts 0..15 without a gap across segment joins
 * and loop restarts, whatever the source files held: a packet with payload takes the next value,
 * an adaptation-only packet repeats the last one (§2.4.3.3). Null packets are left alone.
 */
public final class ContinuityRestamper {

    private final int[] last = new int[8192];

    public ContinuityRestamper() {
        java.util.Arrays.fill(last, -1);
    }

    public void restamp(final byte[] b, final int off) {
        final int pid = TsPackets.pid(b, off);
        if (pid == TsPackets.NULL_PID) {
            return;
        }
        if (TsPackets.hasPayload(b, off)) {
            final int next = last[pid] < 0 ? TsPackets.continuityCounter(b, off) : (last[pid] + 1) & 0x0F;
            TsPackets.setContinuityCounter(b, off, next);
            last[pid] = next;
        } else if (last[pid] >= 0) {
            TsPackets.setContinuityCounter(b, off, last[pid]);
        }
    }
}
