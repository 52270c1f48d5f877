package io.caravan.tsmulticast;

/** PCR arithmetic on the 27 MHz clock, which wraps at 2^33 × 300 ticks (about 26.5 hours). */
public final class Pcr {

    public static final long HZ = 27_000_000L;
    public static final long WRAP = (1L << 33) * 300;

    private Pcr() {
    }

    /** {@code later - earlier} across a wrap: the shortest signed distance on the PCR circle. */
    public static long diff(final long later, final long earlier) {
        long d = Math.floorMod(later - earlier, WRAP);
        if (d > WRAP / 2) {
            d -= WRAP;
        }
        return d;
    }

    public static long ticksToNanos(final long ticks) {
        // 1 tick = 1000/27 ns; split to avoid overflow for long runs
        return (ticks / HZ) * 1_000_000_000L + (ticks % HZ) * 1000L / 27L;
    }

    public static double ticksPerPacket(final long bitsPerSecond) {
        return TsPackets.SIZE * 8.0 * HZ / bitsPerSecond;
    }
}
