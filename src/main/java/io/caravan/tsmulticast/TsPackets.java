package io.caravan.tsmulticast;

/**
 * MPEG-TS packet fields (ISO/IEC 13818-1 §2.4.3), read and written in place in a byte array that
 * holds whole 188-byte packets. Static helpers only: the hot path allocates nothing.
 */
public final class TsPackets {

    public static final int SIZE = 188;
    public static final int SYNC = 0x47;
    public static final int NULL_PID = 0x1FFF;
    /** 7 × 188 = 1316 bytes: the UDP payload every IPTV receiver expects. */
    public static final int PER_DATAGRAM = 7;
    public static final int DATAGRAM_SIZE = PER_DATAGRAM * SIZE;

    private TsPackets() {
    }

    public static int pid(final byte[] b, final int off) {
        return ((b[off + 1] & 0x1F) << 8) | (b[off + 2] & 0xFF);
    }

    public static boolean payloadUnitStart(final byte[] b, final int off) {
        return (b[off + 1] & 0x40) != 0;
    }

    /** adaptation_field_control: 1 payload only, 2 adaptation only, 3 both. */
    public static int adaptationControl(final byte[] b, final int off) {
        return (b[off + 3] >> 4) & 0x3;
    }

    public static boolean hasPayload(final byte[] b, final int off) {
        return (adaptationControl(b, off) & 1) != 0;
    }

    public static int continuityCounter(final byte[] b, final int off) {
        return b[off + 3] & 0x0F;
    }

    public static void setContinuityCounter(final byte[] b, final int off, final int cc) {
        b[off + 3] = (byte) ((b[off + 3] & 0xF0) | (cc & 0x0F));
    }

    private static boolean hasAdaptationFlags(final byte[] b, final int off) {
        return (adaptationControl(b, off) & 2) != 0 && (b[off + 4] & 0xFF) > 0;
    }

    public static boolean discontinuityIndicator(final byte[] b, final int off) {
        return hasAdaptationFlags(b, off) && (b[off + 5] & 0x80) != 0;
    }

    /** Sets the adaptation field's discontinuity_indicator; false when the packet has no adaptation flags byte. */
    public static boolean setDiscontinuityIndicator(final byte[] b, final int off) {
        if (!hasAdaptationFlags(b, off)) {
            return false;
        }
        b[off + 5] = (byte) (b[off + 5] | 0x80);
        return true;
    }

    public static boolean hasPcr(final byte[] b, final int off) {
        return hasAdaptationFlags(b, off) && (b[off + 4] & 0xFF) >= 7 && (b[off + 5] & 0x10) != 0;
    }

    /** The PCR in 27 MHz ticks (base × 300 + extension), or -1 when the packet carries none. */
    public static long pcr(final byte[] b, final int off) {
        if (!hasPcr(b, off)) {
            return -1;
        }
        final int p = off + 6;
        final long base = ((long) (b[p] & 0xFF) << 25) | ((b[p + 1] & 0xFF) << 17) | ((b[p + 2] & 0xFF) << 9)
                | ((b[p + 3] & 0xFF) << 1) | ((b[p + 4] & 0x80) >> 7);
        final int ext = ((b[p + 4] & 0x01) << 8) | (b[p + 5] & 0xFF);
        return base * 300 + ext;
    }

    /** Writes a PCR (27 MHz ticks) into a packet that already carries one (tests and generators). */
    public static void writePcr(final byte[] b, final int off, final long pcr27) {
        final long base = (pcr27 / 300) & ((1L << 33) - 1);
        final int ext = (int) (pcr27 % 300);
        final int p = off + 6;
        b[p] = (byte) (base >> 25);
        b[p + 1] = (byte) (base >> 17);
        b[p + 2] = (byte) (base >> 9);
        b[p + 3] = (byte) (base >> 1);
        b[p + 4] = (byte) (((base & 1) << 7) | 0x7E | ((ext >> 8) & 1));
        b[p + 5] = (byte) ext;
    }

    /** Writes a null packet (PID 0x1FFF, payload 0xFF) at {@code off}. */
    public static void writeNull(final byte[] b, final int off) {
        b[off] = (byte) SYNC;
        b[off + 1] = 0x1F;
        b[off + 2] = (byte) 0xFF;
        b[off + 3] = 0x10;
        java.util.Arrays.fill(b, off + 4, off + SIZE, (byte) 0xFF);
    }
}
