package io.caravan.wsticket;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.http.HttpClosedException;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code exceptionHandler} of the {@code /ws/events} consumer. vertx-websocket reports every
 * socket whose peer went away without a close frame (a closed tab, a phone changing network, a
 * load balancer's idle timeout) as an error, and Camel's default handler logs each one at WARN
 * with a full stack trace: one multi-line warning per ordinary disconnect, written on the Vert.x
 * event loop (~12% of that thread's profile samples in the benchmark, see
 * src/test/bench/ws-ticket/RESULTS.md). A vanished peer is routine: it is counted and logged at
 * DEBUG in one line; anything else stays a WARN with its stack trace. The exchange is never
 * printed (its headers hold the handshake's query parameters, the ticket among them). The binding
 * itself is ended by the CLOSE event and the connection's close handler, not here.
 */
public final class SocketErrorLog implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SocketErrorLog.class);

    private final AtomicLong peersGone = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    @Override
    public void handleException(final Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(final String message, final Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(final String message, final Exchange exchange, final Throwable exception) {
        if (isPeerGone(exception)) {
            peersGone.incrementAndGet();
            if (LOG.isDebugEnabled()) {
                LOG.debug("ws-ticket: a socket's peer went away without a close frame ({})", OutageLog.rootMessage(exception));
            }
            return;
        }
        errors.incrementAndGet();
        LOG.warn("ws-ticket socket error{}", message == null ? "" : ": " + message, exception);
    }

    /** Whether {@code exception} only says that the peer or the network closed the connection. */
    static boolean isPeerGone(final Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpClosedException || t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** Sockets that ended without a close frame since start. */
    public long peersGone() {
        return peersGone.get();
    }

    /** Other socket errors (logged at WARN) since start. */
    public long errors() {
        return errors.get();
    }
}
