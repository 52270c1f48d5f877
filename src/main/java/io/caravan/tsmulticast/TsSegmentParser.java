package io.caravan.tsmulticast;

/**
 * Cuts a segment file into aligned 188-byte TS packets. Sync is acquired where 0x47 appears at
 * three consecutive packet boundaries (fewer at the very end of the file) and kept while each next
 * boundary holds 0x47; bytes in between are skipped and counted. A file whose bytes are mostly not
 * packets is rejected with a {@link NotTransportStreamException}.
 */
public final class TsSegmentParser {

    private static final int CONFIRM = 3;

    private TsSegmentParser() {
    }

    public static TsSegment parse(final String name, final byte[] in) throws NotTransportStreamException {
        final int len = in.length;
        final byte[] out = new byte[len - len % TsPackets.SIZE];
        int packets = 0;
        long garbage = 0;
        int resyncs = 0;
        boolean locked = false;
        int pos = 0;
        while (pos + TsPackets.SIZE <= len) {
            if ((in[pos] & 0xFF) == TsPackets.SYNC && (locked || confirmed(in, pos))) {
                System.arraycopy(in, pos, out, packets * TsPackets.SIZE, TsPackets.SIZE);
                packets++;
                pos += TsPackets.SIZE;
                locked = true;
                continue;
            }
            final int start = pos;
            pos++;
            while (pos + TsPackets.SIZE <= len && !((in[pos] & 0xFF) == TsPackets.SYNC && confirmed(in, pos))) {
                pos++;
            }
            garbage += pos - start;
            if (pos + TsPackets.SIZE <= len) {
                if (locked || packets > 0) {
                    resyncs++;
                }
            }
            locked = false;
        }
        final boolean truncated = pos < len && packets > 0 && (in[pos] & 0xFF) == TsPackets.SYNC;
        garbage += len - pos;
        if (len == 0) {
            throw new NotTransportStreamException("segment " + name + " is empty");
        }
        if ((long) packets * TsPackets.SIZE < len / 2) {
            throw new NotTransportStreamException("segment " + name + " is not MPEG-TS: " + packets
                    + " packets with sync byte 0x47 every 188 bytes in " + len + " bytes");
        }
        return new TsSegment(out, packets, garbage, resyncs, truncated);
    }

    private static boolean confirmed(final byte[] in, final int pos) {
        for (int k = 1; k < CONFIRM; k++) {
            final int next = pos + k * TsPackets.SIZE;
            if (next >= in.length) {
                return true;
            }
            if ((in[next] & 0xFF) != TsPackets.SYNC) {
                return false;
            }
        }
        return true;
    }
}
