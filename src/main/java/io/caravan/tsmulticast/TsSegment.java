package io.caravan.tsmulticast;

/**
 * The aligned 188-byte packets of one segment file, after re-synchronisation.
 *
 * @param data       {@code packets × 188} bytes, each packet starting with 0x47
 * @param packets    number of packets in {@code data}
 * @param garbage    bytes skipped (not part of any packet), including a truncated last packet
 * @param resyncs    times the parser lost sync and found it again
 * @param truncated  the file ended inside a packet
 */
public record TsSegment(byte[] data, int packets, long garbage, int resyncs, boolean truncated) {
}
