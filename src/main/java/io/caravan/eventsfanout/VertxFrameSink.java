package io.caravan.eventsfanout;

import java.util.function.Consumer;

import io.vertx.core.http.ServerWebSocket;

/** A {@link FrameSink} on a Vert.x server WebSocket (thread-safe: Vert.x hops to the socket's event loop). */
public final class VertxFrameSink implements FrameSink {

    private final ServerWebSocket socket;

    public VertxFrameSink(final ServerWebSocket socket) {
        this.socket = socket;
    }

    @Override
    public void write(final String frame, final Runnable written, final Consumer<Throwable> failed) {
        socket.writeTextMessage(frame).onComplete(result -> {
            if (result.succeeded()) {
                written.run();
            } else {
                failed.accept(result.cause());
            }
        });
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
