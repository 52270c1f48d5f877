package io.caravan.tsmulticast;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a receiver saw: datagram sizes, continuity-counter errors, the PCR-derived bitrate against
 * the arrival bitrate, and arrival jitter against the PCR schedule. The schedule of a datagram is
 * the ISO 13818-1 intended arrival time of its first packet (linear between PCRs), computed with
 * the same {@link PcrPacer} the sender uses; jitter = arrival − schedule − the median of that
 * difference within its PCR time base.
 */
public final class StreamAnalysis {

    public int datagrams;
    public int wrongSize;
    public long packets;
    public int ccErrors;
    public int pcrDiscontinuities;
    public double pcrBitrate;
    public double arrivalBitrate;
    public long jitterP50Micros;
    public long jitterP99Micros;
    public long jitterMaxMicros;

    public static StreamAnalysis of(final List<byte[]> datagrams, final long[] arrivalNanos) {
        final StreamAnalysis a = new StreamAnalysis();
        a.datagrams = datagrams.size();
        final int[] lastCc = new int[8192];
        Arrays.fill(lastCc, -1);
        final PsiTracker psi = new PsiTracker();
        final int n = datagrams.size();
        final long[] sched = new long[n];
        final long[] section = new long[n];
        Arrays.fill(sched, Long.MIN_VALUE);
        final PcrPacer[] holder = new PcrPacer[1];
        final java.util.ArrayDeque<int[]> order = new java.util.ArrayDeque<>();
        holder[0] = new PcrPacer(1_000_000, (b, off, ticks) -> {
            final int[] next = order.poll();
            final int d = next[0];
            final boolean first = next[1] == 1;
            if (first) {
                sched[d] = ticks;
                section[d] = holder[0].discontinuities();
            }
        });
        for (int d = 0; d < n; d++) {
            final byte[] dg = datagrams.get(d);
            if (dg.length != TsPackets.DATAGRAM_SIZE) {
                a.wrongSize++;
            }
            for (int off = 0; off + TsPackets.SIZE <= dg.length; off += TsPackets.SIZE) {
                a.packets++;
                psi.accept(dg, off);
                final int pid = TsPackets.pid(dg, off);
                if (pid != TsPackets.NULL_PID && TsPackets.hasPayload(dg, off)) {
                    final int cc = TsPackets.continuityCounter(dg, off);
                    if (lastCc[pid] >= 0 && cc != ((lastCc[pid] + 1) & 15) && cc != lastCc[pid]
                            && !TsPackets.discontinuityIndicator(dg, off)) {
                        a.ccErrors++;
                    }
                    lastCc[pid] = cc;
                }
                order.add(new int[] {d, off == 0 ? 1 : 0});
                holder[0].add(dg, off, pid == psi.pcrPid() ? TsPackets.pcr(dg, off) : -1);
            }
        }
        holder[0].flush();
        a.pcrDiscontinuities = (int) holder[0].discontinuities();
        // bitrate and jitter per time base
        final List<Long> jitter = new ArrayList<>();
        double bits = 0;
        double schedSeconds = 0;
        double arrivalSeconds = 0;
        int start = 0;
        while (start < n) {
            int end = start;
            while (end + 1 < n && section[end + 1] == section[start]) {
                end++;
            }
            if (end > start) {
                bits += (end - start) * (double) TsPackets.DATAGRAM_SIZE * 8;
                schedSeconds += Pcr.ticksToNanos(sched[end] - sched[start]) / 1e9;
                // arrival time as a least-squares line over the schedule: one datagram the receiver
                // happened to read late at either end of the section does not bend the rate
                arrivalSeconds += Pcr.ticksToNanos(sched[end] - sched[start]) / 1e9 * arrivalSlope(sched, arrivalNanos, start, end);
                final long[] delta = new long[end - start + 1];
                for (int i = start; i <= end; i++) {
                    delta[i - start] = arrivalNanos[i] - Pcr.ticksToNanos(sched[i]);
                }
                final long[] sorted = delta.clone();
                Arrays.sort(sorted);
                final long median = sorted[sorted.length / 2];
                for (final long x : delta) {
                    jitter.add(Math.abs(x - median));
                }
            }
            start = end + 1;
        }
        a.pcrBitrate = schedSeconds > 0 ? bits / schedSeconds : 0;
        a.arrivalBitrate = arrivalSeconds > 0 ? bits / arrivalSeconds : 0;
        if (!jitter.isEmpty()) {
            final long[] j = jitter.stream().mapToLong(Long::longValue).sorted().toArray();
            a.jitterP50Micros = j[j.length / 2] / 1000;
            a.jitterP99Micros = j[(int) Math.min(j.length - 1, Math.ceil(j.length * 0.99) - 1)] / 1000;
            a.jitterMaxMicros = j[j.length - 1] / 1000;
        }
        return a;
    }

    /** Slope of arrival nanos over scheduled nanos for datagrams start..end (1.0 = paced exactly like the PCR). */
    private static double arrivalSlope(final long[] sched, final long[] arrivalNanos, final int start, final int end) {
        final long x0 = Pcr.ticksToNanos(sched[start]);
        final long y0 = arrivalNanos[start];
        final int count = end - start + 1;
        double mx = 0;
        double my = 0;
        for (int i = start; i <= end; i++) {
            mx += Pcr.ticksToNanos(sched[i]) - x0;
            my += arrivalNanos[i] - y0;
        }
        mx /= count;
        my /= count;
        double sxy = 0;
        double sxx = 0;
        for (int i = start; i <= end; i++) {
            final double dx = Pcr.ticksToNanos(sched[i]) - x0 - mx;
            sxy += dx * (arrivalNanos[i] - y0 - my);
            sxx += dx * dx;
        }
        return sxx > 0 ? sxy / sxx : 1.0;
    }

    public Map<String, Object> toMap(final String prefix) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put(prefix + "datagrams", datagrams);
        m.put(prefix + "wrongSize", wrongSize);
        m.put(prefix + "packets", packets);
        m.put(prefix + "ccErrors", ccErrors);
        m.put(prefix + "pcrDiscontinuities", pcrDiscontinuities);
        m.put(prefix + "pcrBitrate", Math.round(pcrBitrate));
        m.put(prefix + "arrivalBitrate", Math.round(arrivalBitrate));
        m.put(prefix + "jitterP50Micros", jitterP50Micros);
        m.put(prefix + "jitterP99Micros", jitterP99Micros);
        m.put(prefix + "jitterMaxMicros", jitterMaxMicros);
        return m;
    }
}
