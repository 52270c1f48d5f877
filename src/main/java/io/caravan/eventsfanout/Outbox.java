package io.caravan.eventsfanout;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * The outgoing frames of one WebSocket: a bounded queue in front of the socket, so that a slow or
 * stalled client costs a bounded amount of memory and never holds up anyone else.
 *
 * <h2>Why this shape</h2>
 * The RabbitMQ consumer thread fans each event out to many sockets. A synchronous producer call per
 * socket (e.g. the vertx-websocket producer with a connection key) would (a) search the peer list
 * per message and (b) hand every frame straight to Netty, whose per-channel outbound buffer is
 * unbounded: a stalled client would grow the heap without limit, and nothing could drop or refuse
 * frames for it. Here the consumer thread only appends to this queue (O(1), under a lock held for
 * nanoseconds) and returns. Frames move from the queue to the socket asynchronously: at most
 * {@code window} frames are "in flight" (handed to Vert.x, whose write future completes once Netty
 * has flushed the bytes to the kernel). A client that stops reading fills its TCP window and kernel
 * buffer, its in-flight writes stop completing, the window stays full, and the queue fills. Then the
 * policy applies: {@link SlowClientPolicy#DROP_OLDEST} discards the oldest queued frame,
 * {@link SlowClientPolicy#CLOSE} closes the socket with 1013 (Try Again Later). Counting completed
 * writes is Vert.x's {@code writeQueueFull()}/{@code drainHandler} protocol made thread-independent:
 * it needs no access to the socket's event-loop context, works from any producer thread, and its
 * bound is exact (in frames) rather than a Netty byte watermark. Memory per socket is at most
 * {@code (capacity + window)} frames; frames are shared {@link Frame}s, built and encoded once per event
 * (each holds its text and its wire bytes in a direct buffer: about twice the envelope's size, once per
 * event however many sockets hold it).
 *
 * <p>Ordering: one drainer at a time ({@code draining}) writes in queue order; Vert.x keeps the
 * order of writes to one connection.
 */
public final class Outbox {

    /** What {@link #offer(Frame)} did. */
    public enum Offer { QUEUED, QUEUED_DROPPED_OLDEST, CLOSED }

    /** WebSocket close code 1013 "Try Again Later". */
    public static final short TRY_AGAIN_LATER = 1013;

    private final FrameSink sink;
    private final int capacity;
    private final int window;
    private final SlowClientPolicy policy;
    private final ArrayDeque<Frame> queue;

    private int inFlight;
    private boolean draining;
    private boolean closed;
    private long written;
    private long dropped;

    public Outbox(final FrameSink sink, final int capacity, final int window, final SlowClientPolicy policy) {
        if (capacity < 1 || window < 1) {
            throw new IllegalArgumentException("capacity and window must be at least 1");
        }
        this.sink = sink;
        this.capacity = capacity;
        this.window = window;
        this.policy = policy;
        this.queue = new ArrayDeque<>(Math.min(capacity, 16));
    }

    /** Queues one frame; never blocks on the socket. */
    public Offer offer(final String frame) {
        return offer(Frame.of(frame));
    }

    /** Queues one frame (shared with the other sockets of the event); never blocks on the socket. */
    public Offer offer(final Frame frame) {
        Offer result = Offer.QUEUED;
        final boolean startDrain;
        synchronized (this) {
            if (closed) {
                return Offer.CLOSED;
            }
            if (queue.size() >= capacity) {
                if (policy == SlowClientPolicy.CLOSE) {
                    closed = true;
                    dropped += queue.size() + 1;
                    queue.clear();
                    result = Offer.CLOSED;
                } else {
                    queue.pollFirst();
                    dropped++;
                    result = Offer.QUEUED_DROPPED_OLDEST;
                }
            }
            if (result != Offer.CLOSED) {
                queue.addLast(frame);
            }
            startDrain = result != Offer.CLOSED && !draining && inFlight < window;
            if (startDrain) {
                draining = true;
            }
        }
        if (result == Offer.CLOSED) {
            sink.close(TRY_AGAIN_LATER, "slow consumer: too many undelivered events");
            return result;
        }
        if (startDrain) {
            drain();
        }
        return result;
    }

    private void drain() {
        while (true) {
            final Frame next;
            synchronized (this) {
                if (closed || queue.isEmpty() || inFlight >= window) {
                    draining = false;
                    return;
                }
                next = queue.pollFirst();
                inFlight++;
            }
            sink.write(next, this::onWritten, this::onFailed);
        }
    }

    private void onFailed(final Throwable error) {
        synchronized (this) {
            inFlight--;
            closed = true;
            dropped += queue.size();
            queue.clear();
        }
    }

    private void onWritten() {
        final boolean startDrain;
        synchronized (this) {
            inFlight--;
            written++;
            startDrain = !draining && !closed && !queue.isEmpty();
            if (startDrain) {
                draining = true;
            }
        }
        if (startDrain) {
            drain();
        }
    }

    /** The socket's event loop, or null (see {@link FrameSink#executor()}). */
    public Executor executor() {
        return sink.executor();
    }

    /** Whether this outbox (or its socket) is done: nothing more will be written. */
    public boolean isClosed() {
        synchronized (this) {
            if (closed) {
                return true;
            }
        }
        return sink.isClosed();
    }

    public synchronized int queued() {
        return queue.size();
    }

    public synchronized int inFlight() {
        return inFlight;
    }

    /** Frames the socket has taken. */
    public synchronized long written() {
        return written;
    }

    /** Frames discarded by the policy or because the socket failed. */
    public synchronized long dropped() {
        return dropped;
    }
}
