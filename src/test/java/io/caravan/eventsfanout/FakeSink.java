package io.caravan.eventsfanout;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A socket whose writes complete only when the test says so (a client that reads on demand). */
final class FakeSink implements FrameSink {

    private record Pending(Frame frame, Runnable written, Consumer<Throwable> failed) {
    }

    final List<String> delivered = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    private final boolean completeAtOnce;
    Short closeCode;

    FakeSink(final boolean completeAtOnce) {
        this.completeAtOnce = completeAtOnce;
    }

    @Override
    public synchronized void write(final Frame frame, final Runnable written, final Consumer<Throwable> failed) {
        if (completeAtOnce) {
            delivered.add(frame.text());
            written.run();
        } else {
            pending.add(new Pending(frame, written, failed));
        }
    }

    /** The client reads everything handed to the socket so far (and what that frees up). */
    void drainAll() {
        while (true) {
            final Pending p;
            synchronized (this) {
                if (pending.isEmpty()) {
                    return;
                }
                p = pending.remove(0);
                delivered.add(p.frame().text());
            }
            p.written().run();
        }
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    void failAll() {
        final List<Pending> copy;
        synchronized (this) {
            copy = new ArrayList<>(pending);
            pending.clear();
        }
        copy.forEach(p -> p.failed().accept(new IllegalStateException("closed")));
    }

    @Override
    public synchronized void close(final short code, final String reason) {
        closeCode = code;
    }

    @Override
    public synchronized boolean isClosed() {
        return closeCode != null;
    }
}
