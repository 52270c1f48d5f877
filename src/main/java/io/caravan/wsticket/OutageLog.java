package io.caravan.wsticket;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One clear log line when a dependency goes down, one when it is back: a Redis outage under load
 * must not write a stack trace per request. Thread-safe; transitions are decided atomically.
 */
public final class OutageLog {

    private static final Logger LOG = LoggerFactory.getLogger(OutageLog.class);

    private final Supplier<String> what;
    private final String consequence;
    private final Clock clock;
    private final AtomicReference<Instant> downSince = new AtomicReference<>();

    public OutageLog(final Supplier<String> what, final String consequence, final Clock clock) {
        this.what = what;
        this.consequence = consequence;
        this.clock = clock;
    }

    /** Records a failure; returns true (and logs one WARN line) only on the up-to-down transition. */
    public boolean failed(final Throwable cause) {
        if (downSince.compareAndSet(null, clock.instant())) {
            LOG.warn("{} is unreachable ({}): {}", what.get(), rootMessage(cause), consequence);
            return true;
        }
        return false;
    }

    /** Records a success; returns true (and logs one INFO line) only on the down-to-up transition. */
    public boolean succeeded() {
        final Instant since = downSince.getAndSet(null);
        if (since != null) {
            LOG.info("{} is reachable again after {} s", what.get(), Duration.between(since, clock.instant()).toSeconds());
            return true;
        }
        return false;
    }

    public boolean isDown() {
        return downSince.get() != null;
    }

    /** When the current outage began, or {@code null} while up. */
    public Instant downSince() {
        return downSince.get();
    }

    static String rootMessage(final Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        final String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
