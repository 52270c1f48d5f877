package io.caravan.tsmulticast;

/**
 * Packs timed packets into 1316-byte datagrams (7 × 188); a datagram leaves at the time of its
 * first packet. {@link #finish()} pads the last datagram with null packets so that every datagram
 * on the wire is 1316 bytes.
 */
public final class DatagramAssembler implements PcrPacer.Sink {

    /** Receives each full datagram (a fresh array) with its departure time in 27 MHz ticks. */
    @FunctionalInterface
    public interface Sink {
        void datagram(byte[] datagram, long ticks);
    }

    private final Sink sink;
    private byte[] current = new byte[TsPackets.DATAGRAM_SIZE];
    private int filled;
    private long firstTicks;

    public DatagramAssembler(final Sink sink) {
        this.sink = sink;
    }

    @Override
    public void packet(final byte[] buf, final int off, final long ticks) {
        if (filled == 0) {
            firstTicks = ticks;
        }
        System.arraycopy(buf, off, current, filled * TsPackets.SIZE, TsPackets.SIZE);
        if (++filled == TsPackets.PER_DATAGRAM) {
            ship();
        }
    }

    /** Pads and sends a partly filled datagram (end of a non-looping source). */
    public void finish() {
        if (filled > 0) {
            while (filled < TsPackets.PER_DATAGRAM) {
                TsPackets.writeNull(current, filled * TsPackets.SIZE);
                filled++;
            }
            ship();
        }
    }

    private void ship() {
        final byte[] full = current;
        current = new byte[TsPackets.DATAGRAM_SIZE];
        filled = 0;
        sink.datagram(full, firstTicks);
    }
}
