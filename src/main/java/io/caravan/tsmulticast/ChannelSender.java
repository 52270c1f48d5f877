package io.caravan.tsmulticast;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pacing loop of one channel, on its own platform thread: reads segments from the source,
 * re-syncs and restamps packets, times them by PCR ({@link PcrPacer}), packs datagrams and hands
 * each one to the {@link DatagramSink} at its scheduled {@link System#nanoTime()}.
 *
 * <p>Why a plain loop and not a Camel consumer (timer, scheduler): a datagram is due every
 * 130 µs at 80 Mbit/s and 5 ms at 2 Mbit/s; Camel's timer and scheduled executors tick in
 * milliseconds, and an exchange per tick would pace the exchange, not the datagram. The loop parks
 * until {@value #SPIN_NANOS} ns before the due time and spins the rest (a short spin: Linux timer
 * slack makes a park overshoot by about 50 µs, well inside the 1 ms goal, and a long spin would
 * burn a core at 80 Mbit/s), then hands the datagram to the sink:
 * <ul>
 * <li>{@code netty-channel} (default): a Netty channel owned by the channel, and this loop runs on
 *     that channel's own event loop, so the write is a direct {@code sendto} at the scheduled
 *     instant ({@link NettyChannelSink});</li>
 * <li>{@code camel-route}: the channel's route ({@code direct:} → netty UDP producer,
 *     {@code sync=false}). Every send then hops to the netty worker thread, which has to be woken
 *     and scheduled too: measured here 170-630 µs of CPU per datagram at 190-1,900 datagrams/s
 *     against 26-88 µs for a send from the pacing thread, and 3-5× the lateness.</li>
 * </ul>
 * Both are measured side by side with ffmpeg in src/test/bench/ts-multicast/RESULTS.md. The route
 * template stays the channel's lifecycle (start/stop, route status, supervision) in both cases.
 * The first send opens the socket, so the clock starts after it.
 */
public final class ChannelSender {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelSender.class);
    static final long SPIN_NANOS = 20_000L;
    /**
     * A sender that fell behind (CPU starved, GC) catches up by sending the late datagrams at once,
     * which keeps the PCR rate on average as receivers' buffers need; only when it is this far behind
     * does the schedule move instead (counted as a re-anchor). After the source had nothing to send
     * (live edge) the schedule always moves: there is nothing to catch up.
     */
    private static final long REANCHOR_NANOS = 1_000_000_000L;
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final ChannelConfig config;
    private final ChannelStats stats;
    private final DatagramSink sink;
    private final BooleanSupplier ready;
    private final SegmentSource source;
    private volatile boolean running;
    private volatile boolean finished;
    private volatile Thread worker;
    private boolean started;
    private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    private long anchor = Long.MIN_VALUE;
    private boolean afterIdle;

    public ChannelSender(final ChannelConfig config, final ChannelStats stats, final DatagramSink sink, final BooleanSupplier ready) {
        this(config, stats, sink, ready, SegmentSource.of(config.source(), config.loop()));
    }

    public ChannelSender(final ChannelConfig config, final ChannelStats stats, final DatagramSink sink, final BooleanSupplier ready,
            final SegmentSource source) {
        this.config = config;
        this.stats = stats;
        this.sink = sink;
        this.ready = ready;
        this.source = source;
    }

    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        running = true;
        final java.util.concurrent.Executor executor = sink.executor();
        if (executor != null) {
            executor.execute(this::run);
        } else {
            final Thread thread = new Thread(this::run, "ts-multicast-" + config.id());
            thread.setDaemon(true);
            thread.setPriority(Thread.MAX_PRIORITY);
            thread.start();
        }
    }

    /** Stops the loop and waits (up to 5 s) until it has left. */
    public synchronized void stop() {
        running = false;
        final Thread w = worker;
        if (w != null) {
            LockSupport.unpark(w);
        }
        if (started) {
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isRunning() {
        return running && !finished;
    }

    /** True once a non-looping source has been sent to the end. */
    public boolean isFinished() {
        return finished;
    }

    private void run() {
        worker = Thread.currentThread();
        try {
            loop();
        } catch (RuntimeException | Error e) {
            fail("channel " + config.id() + ": sender stopped by " + e);
            throw e;
        } finally {
            worker = null;
            done.countDown();
        }
    }

    private void loop() {
        while (running && !ready.getAsBoolean()) {
            LockSupport.parkNanos(5_000_000L);
        }
        final DatagramAssembler assembler = new DatagramAssembler(this::depart);
        final PcrPacer pacer = new PcrPacer(config.bitrate(), assembler);
        final PsiTracker psi = new PsiTracker();
        final ContinuityRestamper restamper = new ContinuityRestamper();
        LOG.info("channel {} sending {} to {}:{} via {} (ttl {}, loop {})", config.id(), config.source(), config.group(),
                config.port(), config.iface(), config.ttl(), config.loop());
        while (running) {
            final Segment segment;
            try {
                segment = source.next();
            } catch (IOException | RuntimeException e) {
                fail("channel " + config.id() + ": source " + config.source() + ": " + e.getMessage());
                pacer.flush();
                idle();
                continue;
            }
            if (segment == null) {
                pacer.flush();
                idle();
                continue;
            }
            if (segment == SegmentSource.END) {
                pacer.flush();
                assembler.finish();
                finished = true;
                LOG.info("channel {}: end of {} (loop off)", config.id(), config.source());
                break;
            }
            if (segment.discontinuity()) {
                pacer.markDiscontinuity();
            }
            send(segment, pacer, psi, restamper);
            stats.discontinuities(pacer.discontinuities());
            stats.pcrBitrate(pacer.bitsPerSecond());
        }
    }

    private void send(final Segment segment, final PcrPacer pacer, final PsiTracker psi, final ContinuityRestamper restamper) {
        final TsSegment ts;
        try {
            ts = TsSegmentParser.parse(segment.name(), Files.readAllBytes(segment.path()));
        } catch (NoSuchFileException e) {
            fail("channel " + config.id() + ": segment " + segment.name() + " is missing (" + segment.path() + " not found); skipped");
            pacer.markDiscontinuity();
            return;
        } catch (IOException e) {
            fail("channel " + config.id() + ": segment " + segment.name() + " unreadable: " + e.getMessage() + "; skipped");
            pacer.markDiscontinuity();
            return;
        } catch (NotTransportStreamException e) {
            fail("channel " + config.id() + ": " + e.getMessage() + "; skipped");
            pacer.markDiscontinuity();
            return;
        }
        stats.segment(ts);
        if (ts.truncated()) {
            fail("channel " + config.id() + ": segment " + segment.name() + " is truncated (ends inside a packet); "
                    + ts.packets() + " whole packets sent");
        } else if (ts.garbage() > 0) {
            LOG.warn("channel {}: segment {}: {} bytes of garbage skipped ({} re-syncs)", config.id(), segment.name(), ts.garbage(),
                    ts.resyncs());
        }
        final byte[] data = ts.data();
        boolean hadPcr = false;
        for (int i = 0; i < ts.packets() && running; i++) {
            final int off = i * TsPackets.SIZE;
            psi.accept(data, off);
            restamper.restamp(data, off);
            long pcr = -1;
            if (TsPackets.pid(data, off) == psi.pcrPid()) {
                pcr = TsPackets.pcr(data, off);
                hadPcr |= pcr >= 0;
            }
            pacer.add(data, off, pcr);
        }
        if (!hadPcr && running) {
            fail("channel " + config.id() + ": segment " + segment.name() + " carries no PCR; sent at the constant bitrate of "
                    + config.bitrate() + " bit/s");
            pacer.flushAtFallbackRate();
            pacer.markDiscontinuity();
        }
    }

    private void depart(final byte[] datagram, final long ticks) {
        if (!running) {
            return;
        }
        final long offset = Pcr.ticksToNanos(ticks);
        if (anchor == Long.MIN_VALUE) {
            // the first send opens the netty channel (tens of ms): the clock starts once it is out
            transmit(datagram, 0, System.nanoTime());
            anchor = System.nanoTime() - offset;
            return;
        }
        long due = anchor + offset;
        final long behind = System.nanoTime() - due;
        if (behind > REANCHOR_NANOS || (afterIdle && behind > ChannelStats.LATE_NANOS)) {
            anchor += behind;
            due += behind;
            stats.reanchored();
        }
        afterIdle = false;
        waitUntil(due);
        final long now = System.nanoTime();
        transmit(datagram, now - due, now);
    }

    private void transmit(final byte[] datagram, final long lateness, final long now) {
        try {
            sink.send(datagram);
        } catch (Exception e) {
            fail("channel " + config.id() + ": send failed: " + e.getMessage());
            return;
        }
        stats.sent(datagram.length, lateness, now);
    }

    private void waitUntil(final long due) {
        while (running) {
            final long remaining = due - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            if (remaining > SPIN_NANOS) {
                LockSupport.parkNanos(remaining - SPIN_NANOS);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private void idle() {
        afterIdle = true;
        if (running) {
            LockSupport.parkNanos(IDLE_NANOS);
        }
    }

    private void fail(final String message) {
        stats.error(message);
        LOG.warn(message);
    }
}
