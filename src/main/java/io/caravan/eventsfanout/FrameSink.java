package io.caravan.eventsfanout;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** Where an {@link Outbox} writes: one WebSocket (a Vert.x {@code ServerWebSocket} in production). */
public interface FrameSink {

    /**
     * Starts writing one text frame without blocking; exactly one of the callbacks runs later
     * (possibly on another thread, possibly before this method returns) once the frame has left
     * the process (handed to the kernel) or failed.
     */
    void write(Frame frame, Runnable written, Consumer<Throwable> failed);

    /** Closes the socket with a WebSocket close code. */
    void close(short code, String reason);

    boolean isClosed();

    /**
     * The thread that owns the socket (its Vert.x/Netty event loop), or null when unknown. The fan-out
     * hands all the frames of one event for the sockets of one event loop to that loop in a single task,
     * so that a write there needs no hop of its own.
     */
    default Executor executor() {
        return null;
    }
}
