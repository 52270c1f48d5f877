package io.caravan.eventsfanout;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.WebSocketInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FrameSink} on a Vert.x server WebSocket (thread-safe).
 *
 * <p>Fast path: the pre-encoded wire bytes of a {@link Frame} (the same for every socket) are written
 * as they are to the connection's Netty channel context, the one Vert.x itself writes its encoded
 * frames to, on the connection's event loop: no UTF-8 encoding, frame encoding or buffer copy per
 * socket, and the caller on that event loop needs no hop. The frame carries RSV1 = 0, so it is a
 * valid (uncompressed) message on a connection that negotiated permessage-deflate too (RFC 7692 §6).
 * The socket's closed flag is checked on the event loop right before the write, so nothing follows a
 * close frame (Vert.x queues its close frame on the same loop). When the Vert.x internals are not
 * reachable (another Vert.x version) or a message is larger than {@link Frame#MAX_PREBUILT_PAYLOAD},
 * it writes through the public API ({@code writeTextMessage}), as before. Writes keep their order: a
 * write called on the event loop while earlier writes of this socket are still queued for the loop (handed
 * over from another thread, e.g. a reply to the client's own message) is queued behind them.
 */
public final class VertxFrameSink implements FrameSink {

    private static final Logger LOG = LoggerFactory.getLogger(VertxFrameSink.class);
    private static volatile boolean warned;

    private final ServerWebSocket socket;
    private final ChannelHandlerContext channel;
    private final EventExecutor loop;
    /** Writes handed to {@link #loop} that have not run yet (the Outbox calls write() one at a time). */
    private final AtomicInteger queued = new AtomicInteger();

    public VertxFrameSink(final ServerWebSocket socket) {
        this(socket, true);
    }

    /** @param prebuilt whether to write pre-encoded frames to the channel (false: the public Vert.x API only) */
    VertxFrameSink(final ServerWebSocket socket, final boolean prebuilt) {
        this.socket = socket;
        this.channel = prebuilt ? channelOf(socket) : null;
        this.loop = channel == null ? null : channel.executor();
    }

    @Override
    public void write(final Frame frame, final Runnable written, final Consumer<Throwable> failed) {
        if (loop == null) {
            writeText(frame, written, failed);
        } else if (loop.inEventLoop() && queued.get() == 0) {
            writeNow(frame, written, failed);
        } else {
            // behind the writes already queued for this socket: a write on the loop must not overtake them
            queued.incrementAndGet();
            try {
                loop.execute(() -> {
                    queued.decrementAndGet();
                    writeNow(frame, written, failed);
                });
            } catch (RuntimeException shutdown) {
                queued.decrementAndGet();
                failed.accept(shutdown);
            }
        }
    }

    private void writeNow(final Frame frame, final Runnable written, final Consumer<Throwable> failed) {
        final ByteBuffer wire = frame.wire();
        if (wire == null) {
            writeText(frame, written, failed);
        } else {
            writeWire(wire, written, failed);
        }
    }

    private void writeText(final Frame frame, final Runnable written, final Consumer<Throwable> failed) {
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

    private void writeWire(final ByteBuffer wire, final Runnable written, final Consumer<Throwable> failed) {
        if (socket.isClosed()) {
            failed.accept(new IllegalStateException("WebSocket is closed"));
            return;
        }
        channel.writeAndFlush(Unpooled.wrappedBuffer(wire)).addListener(f -> {
            if (f.isSuccess()) {
                written.run();
            } else {
                failed.accept(f.cause());
            }
        });
    }

    /** Whether frames are written pre-encoded to the channel (false: through {@code writeTextMessage}). */
    boolean prebuilt() {
        return channel != null;
    }

    @Override
    public Executor executor() {
        return loop;
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

    /**
     * The Netty context Vert.x writes this socket's frames to: {@code WebSocketInternal#channelHandlerContext()}
     * of the socket, or of the socket vertx-web's router wraps it in (field {@code delegate} of
     * {@code ServerWebSocketWrapper}); null when neither is reachable.
     */
    static ChannelHandlerContext channelOf(final ServerWebSocket socket) {
        ServerWebSocket s = socket;
        try {
            for (int depth = 0; depth < 3 && s != null; depth++) {
                if (s instanceof WebSocketInternal internal) {
                    return internal.channelHandlerContext();
                }
                final Field delegate = s.getClass().getDeclaredField("delegate");
                delegate.setAccessible(true);
                s = (ServerWebSocket) delegate.get(s);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            if (!warned) {
                warned = true;
                LOG.warn("events-fanout: cannot reach the Netty channel of {} ({}); frames are encoded per socket", socket.getClass().getName(), e.toString());
            }
        }
        return null;
    }
}
