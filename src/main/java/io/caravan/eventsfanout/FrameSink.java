package io.caravan.eventsfanout;

import java.util.function.Consumer;

/** Where an {@link Outbox} writes: one WebSocket (a Vert.x {@code ServerWebSocket} in production). */
public interface FrameSink {

    /**
     * Starts writing one text frame without blocking; exactly one of the callbacks runs later
     * (possibly on another thread, possibly before this method returns) once the frame has left
     * the process (handed to the kernel) or failed.
     */
    void write(String frame, Runnable written, Consumer<Throwable> failed);

    /** Closes the socket with a WebSocket close code. */
    void close(short code, String reason);

    boolean isClosed();
}
