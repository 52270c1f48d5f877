package io.caravan.tsmulticast;

/**
 * Gives every packet its departure time on a continuous stream clock (27 MHz ticks from the first
 * packet), from the PCRs of the PCR PID:
 * <ul>
 * <li>packets between two PCRs of one time base are spread linearly between them, so the output
 *     rate is exactly the PCR-derived rate;</li>
 * <li>a PCR that does not continue the previous one (it goes back, jumps more than
 *     {@link #MAX_GAP_TICKS}, carries the discontinuity_indicator, or follows a source-signalled
 *     discontinuity such as a loop restart or an HLS {@code #EXT-X-DISCONTINUITY}) re-anchors the
 *     clock: the packets before it leave at the last rate and the new time base starts right
 *     after them; the wrap at 2^33 × 300 is not a discontinuity ({@link Pcr#diff});</li>
 * <li>packets with no PCR to close their interval (a stream without PCR, or the tail of a live
 *     source that has nothing more yet) leave at the last rate, or at the configured constant
 *     bitrate when the stream has not had a PCR.</li>
 * </ul>
 * Packets are held until the PCR that times them arrives, then handed to the sink in order.
 */
public final class PcrPacer {

    /** ISO 13818-1 wants a PCR every 100 ms at most; half a second leaves room for sloppy muxers. */
    public static final long MAX_GAP_TICKS = Pcr.HZ / 2;
    private static final int MAX_PENDING = 1 << 16;

    /** Receives packets in order with their departure time in 27 MHz ticks. */
    @FunctionalInterface
    public interface Sink {
        void packet(byte[] buf, int off, long ticks);
    }

    private final Sink sink;
    private final double fallbackTicksPerPacket;
    private double ticksPerPacket;
    private long lastTicks;
    private boolean anyEmitted;
    private long lastPcr = -1;
    private long lastPcrTicks;
    private boolean discontinuityPending;
    private long discontinuities;
    private byte[][] pendingBuf = new byte[1024][];
    private int[] pendingOff = new int[1024];
    private int pending;

    public PcrPacer(final long fallbackBitsPerSecond, final Sink sink) {
        if (fallbackBitsPerSecond <= 0) {
            throw new IllegalArgumentException("fallback bitrate must be > 0, was " + fallbackBitsPerSecond);
        }
        this.sink = sink;
        this.fallbackTicksPerPacket = Pcr.ticksPerPacket(fallbackBitsPerSecond);
        this.ticksPerPacket = fallbackTicksPerPacket;
    }

    /** The next PCR starts a new time base (segment join of unrelated files, loop restart, HLS discontinuity). */
    public void markDiscontinuity() {
        discontinuityPending = true;
    }

    /** Times re-anchored so far (not counting the very first PCR). */
    public long discontinuities() {
        return discontinuities;
    }

    /** Current rate in bits per second (the PCR-derived one once known). */
    public double bitsPerSecond() {
        return TsPackets.SIZE * 8.0 * Pcr.HZ / ticksPerPacket;
    }

    /**
     * Adds one packet; {@code pcr} is its PCR in ticks when it is a PCR packet of the PCR PID, else -1.
     */
    public void add(final byte[] buf, final int off, final long pcr) {
        hold(buf, off);
        if (pcr < 0) {
            if (pending >= MAX_PENDING) {
                flush();
            }
            return;
        }
        final boolean flagged = TsPackets.discontinuityIndicator(buf, off);
        if (lastPcr >= 0 && !discontinuityPending && !flagged) {
            final long target = lastPcrTicks + Pcr.diff(pcr, lastPcr);
            final long d = Pcr.diff(pcr, lastPcr);
            if (d > 0 && d <= MAX_GAP_TICKS && target > lastTicks) {
                final long from = lastTicks;
                final int n = pending;
                for (int j = 1; j <= n; j++) {
                    emit(j - 1, from + (target - from) * j / n);
                }
                ticksPerPacket = (double) (target - from) / n;
                endPcr(pcr);
                return;
            }
        }
        // a new time base: the held packets leave at the last rate, the PCR anchors right after them
        if (anyEmitted || lastPcr >= 0) {
            discontinuities++;
            TsPackets.setDiscontinuityIndicator(buf, off);
        }
        emitAtRate(ticksPerPacket);
        endPcr(pcr);
    }

    /** Sends what is held at the last rate (the source has nothing more for now). */
    public void flush() {
        emitAtRate(ticksPerPacket);
    }

    /**
     * Sends what is held at the configured constant bitrate and forgets the time base: for a
     * segment that carried no PCR.
     */
    public void flushAtFallbackRate() {
        ticksPerPacket = fallbackTicksPerPacket;
        emitAtRate(ticksPerPacket);
        lastPcr = -1;
    }

    private void endPcr(final long pcr) {
        lastPcr = pcr;
        lastPcrTicks = lastTicks;
        discontinuityPending = false;
    }

    private void emitAtRate(final double tpp) {
        final long from = anyEmitted ? lastTicks : -Math.round(tpp);
        final int n = pending;
        for (int j = 1; j <= n; j++) {
            emit(j - 1, from + Math.round(tpp * j));
        }
    }

    private void emit(final int index, final long ticks) {
        final byte[] b = pendingBuf[index];
        pendingBuf[index] = null;
        sink.packet(b, pendingOff[index], ticks);
        lastTicks = ticks;
        anyEmitted = true;
        if (index == pending - 1) {
            pending = 0;
        }
    }

    private void hold(final byte[] buf, final int off) {
        if (pending == pendingBuf.length) {
            pendingBuf = java.util.Arrays.copyOf(pendingBuf, pending * 2);
            pendingOff = java.util.Arrays.copyOf(pendingOff, pending * 2);
        }
        pendingBuf[pending] = buf;
        pendingOff[pending] = off;
        pending++;
    }
}
