package io.caravan.eventsfanout;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.vertx.core.http.ServerWebSocket;

/**
 * A {@link FrameSink} on a Vert.x server WebSocket, through its public API only ({@code writeTextMessage}; the
 * write's future completes once Netty has handed the bytes to the kernel, which is what the {@link Outbox}
 * window counts). Thread-safe.
 *
 * <p>With the connection's event loop known (the ws-ticket handshake records it), every write runs on
 * that loop: a caller already there writes at once, any other thread hands the write to the loop. Writes keep
 * their order: one on the loop while earlier writes of this socket are still queued for the loop waits behind
 * them. Without a context, Vert.x itself moves each write to the loop.
 */
public final class VertxFrameSink implements FrameSink {

    private final ServerWebSocket socket;
    private final Executor executor;
    private final Thread loop;
    /** Writes handed to {@link #executor} that have not run yet (the Outbox calls write() one at a time). */
    private final AtomicInteger queued = new AtomicInteger();

    /**
     * @param executor runs tasks on the event loop the socket's connection is served by (one instance per loop,
     *                 shared by its sockets: the fan-out groups sockets by it), or null when unknown
     * @param loop     that event loop's thread, or null when unknown
     */
    public VertxFrameSink(final ServerWebSocket socket, final Executor executor, final Thread loop) {
        this.socket = socket;
        this.executor = loop == null ? null : executor;
        this.loop = executor == null ? null : loop;
    }

    @Override
    public void write(final Frame frame, final Runnable written, final Consumer<Throwable> failed) {
        if (executor == null || (Thread.currentThread() == loop && queued.get() == 0)) {
            writeNow(frame, written, failed);
            return;
        }
        // behind the writes already queued for this socket: a write on the loop must not overtake them
        queued.incrementAndGet();
        try {
            executor.execute(() -> {
                queued.decrementAndGet();
                writeNow(frame, written, failed);
            });
        } catch (RuntimeException shutdown) {
            queued.decrementAndGet();
            failed.accept(shutdown);
        }
    }

    private void writeNow(final Frame frame, final Runnable written, final Consumer<Throwable> failed) {
        final io.vertx.core.Future<Void> result;
        try {
            result = socket.writeTextMessage(frame.text());
        } catch (RuntimeException closed) {
            failed.accept(closed);
            return;
        }
        result.onComplete(r -> {
            if (r.succeeded()) {
                written.run();
            } else {
                failed.accept(r.cause());
            }
        });
    }

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public void close(final short code, final String reason) {
        if (!socket.isClosed()) {
            socket.close(code, reason);
        }
    }

    @Override
    public boolean isClosed() {
        return socket.isClosed();
    }
}
