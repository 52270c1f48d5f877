package io.caravan.tsmulticast;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Live counters of one channel, written by its sender thread and read by the control API.
 * Departure jitter = actual send time minus the PCR schedule, over the last {@value #WINDOW}
 * datagrams.
 */
public final class ChannelStats {

    public static final long LATE_NANOS = 1_000_000L;
    private static final int WINDOW = 8192;

    private final AtomicLong datagrams = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong segments = new AtomicLong();
    private final AtomicLong garbageBytes = new AtomicLong();
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong discontinuities = new AtomicLong();
    private final AtomicLong reanchors = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final java.util.Deque<String> recentErrors = new java.util.ArrayDeque<>();
    private final long[] jitter = new long[WINDOW];
    private long jitterCount;
    private volatile double bitrate;
    private volatile double pcrBitrate;
    private long windowStartNanos;
    private long windowStartBytes;

    /** A datagram left {@code lateness} ns after its scheduled time (negative = early). */
    public void sent(final int size, final long lateness, final long now) {
        datagrams.incrementAndGet();
        final long total = bytes.addAndGet(size);
        if (lateness > LATE_NANOS) {
            late.incrementAndGet();
        }
        synchronized (jitter) {
            jitter[(int) (jitterCount++ % WINDOW)] = lateness;
        }
        if (windowStartNanos == 0) {
            windowStartNanos = now;
            windowStartBytes = total - size;
        } else if (now - windowStartNanos >= 1_000_000_000L) {
            bitrate = (total - windowStartBytes) * 8e9 / (now - windowStartNanos);
            windowStartNanos = now;
            windowStartBytes = total;
        }
    }

    public void error(final String message) {
        errors.incrementAndGet();
        lastError.set(message);
        synchronized (recentErrors) {
            if (recentErrors.size() == 20) {
                recentErrors.removeFirst();
            }
            recentErrors.addLast(message);
        }
    }

    /** The last 20 error messages, oldest first. */
    public java.util.List<String> recentErrors() {
        synchronized (recentErrors) {
            return java.util.List.copyOf(recentErrors);
        }
    }

    public void segment(final TsSegment segment) {
        segments.incrementAndGet();
        garbageBytes.addAndGet(segment.garbage());
        resyncs.addAndGet(segment.resyncs());
    }

    public void discontinuities(final long total) {
        discontinuities.set(total);
    }

    public void reanchored() {
        reanchors.incrementAndGet();
    }

    public void pcrBitrate(final double bps) {
        pcrBitrate = bps;
    }

    public long datagrams() {
        return datagrams.get();
    }

    public long late() {
        return late.get();
    }

    public long errors() {
        return errors.get();
    }

    public String lastError() {
        return lastError.get();
    }

    public long garbageBytes() {
        return garbageBytes.get();
    }

    /** p50, p99, max of |departure − schedule| in microseconds over the window. */
    public long[] jitterMicros() {
        final long[] copy;
        synchronized (jitter) {
            copy = Arrays.copyOf(jitter, (int) Math.min(jitterCount, WINDOW));
        }
        if (copy.length == 0) {
            return new long[] {0, 0, 0};
        }
        for (int i = 0; i < copy.length; i++) {
            copy[i] = Math.abs(copy[i]);
        }
        Arrays.sort(copy);
        return new long[] {copy[copy.length / 2] / 1000, copy[(int) Math.min(copy.length - 1, Math.ceil(copy.length * 0.99) - 1)] / 1000,
            copy[copy.length - 1] / 1000};
    }

    public Map<String, Object> toMap() {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("bitrate", Math.round(bitrate));
        m.put("pcrBitrate", Math.round(pcrBitrate));
        m.put("datagrams", datagrams.get());
        m.put("bytes", bytes.get());
        m.put("lateDatagrams", late.get());
        m.put("errors", errors.get());
        m.put("lastError", lastError.get());
        m.put("recentErrors", recentErrors());
        m.put("segments", segments.get());
        m.put("garbageBytes", garbageBytes.get());
        m.put("resyncs", resyncs.get());
        m.put("discontinuities", discontinuities.get());
        m.put("reanchors", reanchors.get());
        final long[] j = jitterMicros();
        m.put("jitterMicros", Map.of("p50", j[0], "p99", j[1], "max", j[2]));
        return m;
    }
}
