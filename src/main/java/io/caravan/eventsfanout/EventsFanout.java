package io.caravan.eventsfanout;

import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the events of this instance's RabbitMQ queue to the WebSocket clients that may see them.
 * The audience comes from the routing key ({@link RoutingKey}): a user's sockets, the sockets of a
 * device's owners, or every socket. The envelope is built and encoded once per event ({@link Frame})
 * and offered to each socket's {@link Outbox}, in one task per socket event loop; the caller (the AMQP
 * consumer thread) never waits for a socket.
 *
 * <p>Plain Java: the connection index ({@link Connections}), the device ownership question and the
 * socket lookup are handed in as functions, so this class is tested without Camel or a network.
 */
public final class EventsFanout {

    private static final Logger LOG = LoggerFactory.getLogger(EventsFanout.class);

    private final Connections connections;
    private final Function<String, Set<String>> ownersOfDevice;
    private final Function<String, FrameSink> sockets;
    private final int capacity;
    private final int window;
    private final SlowClientPolicy policy;
    private final Clock clock;
    private final Map<String, Outbox> outboxes = new ConcurrentHashMap<>();
    /** Sockets per task handed to one event loop (a broadcast to thousands is handed over in chunks). */
    static final int DISPATCH_CHUNK = 64;

    private final LongAdder events = new LongAdder();
    private final LongAdder unroutable = new LongAdder();
    private final LongAdder frames = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder closedSlow = new LongAdder();

    /**
     * @param ownersOfDevice device id → its owners (may throw when the registry is unreachable)
     * @param sockets        connection key → its socket, or null when it is not (or no longer) open here
     */
    public EventsFanout(final Connections connections, final Function<String, Set<String>> ownersOfDevice,
            final Function<String, FrameSink> sockets, final int capacity, final int window, final SlowClientPolicy policy,
            final Clock clock) {
        this.connections = connections;
        this.ownersOfDevice = ownersOfDevice;
        this.sockets = sockets;
        this.capacity = capacity;
        this.window = window;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * Fans one event out. The frame is built and encoded once ({@link Frame}). Sockets whose event loop
     * is known get the frame in one task per event loop, which offers it to each of its sockets'
     * {@link Outbox} there (the write then needs no hop of its own); the others are offered it here.
     *
     * @return the number of sockets it was handed to (0 for an unroutable key or an empty audience);
     *         a socket that the slow-client policy closes on its event loop is counted in
     *         {@link FanoutStats#closedSlow()}, not subtracted here
     */
    public int deliver(final String routingKey, final byte[] payload) {
        events.increment();
        final Optional<RoutingKey> key = RoutingKey.parse(routingKey);
        if (key.isEmpty()) {
            unroutable.increment();
            LOG.debug("events-fanout: routing key '{}' names no audience; dropped", routingKey);
            return 0;
        }
        final Set<String> audience = audience(key.get());
        if (audience.isEmpty()) {
            return 0;
        }
        final Frame frame = Frame.of(Envelope.of(key.get(), payload, clock.instant()));
        int offered = 0;
        Map<Executor, List<Target>> byLoop = null;
        for (final String connectionKey : audience) {
            final Outbox outbox = outbox(connectionKey);
            if (outbox == null) {
                continue;
            }
            final Executor loop = outbox.executor();
            if (loop == null) {
                if (offer(connectionKey, outbox, frame)) {
                    offered++;
                }
                continue;
            }
            if (byLoop == null) {
                byLoop = new IdentityHashMap<>(8);
            }
            final List<Target> targets = byLoop.computeIfAbsent(loop, l -> new ArrayList<>(DISPATCH_CHUNK));
            targets.add(new Target(connectionKey, outbox));
            offered++;
            if (targets.size() == DISPATCH_CHUNK) {
                // a large audience: let the loop start writing while the rest is looked up
                offered -= dispatch(loop, List.copyOf(targets), frame);
                targets.clear();
            }
        }
        if (byLoop != null) {
            for (final Map.Entry<Executor, List<Target>> e : byLoop.entrySet()) {
                if (!e.getValue().isEmpty()) {
                    offered -= dispatch(e.getKey(), e.getValue(), frame);
                }
            }
        }
        return offered;
    }

    /** Hands {@code frame} for {@code targets} to their event loop; returns how many it could not take (loop shut down). */
    private int dispatch(final Executor loop, final List<Target> targets, final Frame frame) {
        try {
            loop.execute(() -> {
                for (final Target t : targets) {
                    try {
                        offer(t.connectionKey(), t.outbox(), frame);
                    } catch (RuntimeException e) {
                        // e.g. a socket closing at this very moment: the others of this loop still get the event
                        LOG.debug("events-fanout: socket {} not written: {}", t.connectionKey(), e.toString());
                    }
                }
            });
            return 0;
        } catch (RejectedExecutionException shutdown) {
            LOG.debug("events-fanout: an event loop is shut down; {} sockets skipped", targets.size());
            return targets.size();
        }
    }

    private record Target(String connectionKey, Outbox outbox) {
    }

    /** The connection keys an event with this routing key goes to (a snapshot). */
    public Set<String> audience(final RoutingKey key) {
        switch (key.kind()) {
            case USER:
                return connections.connectionsOf(key.id());
            case DEVICE: {
                final Set<String> owners = ownersOfDevice.apply(key.id());
                if (owners.isEmpty()) {
                    return Set.of();
                }
                final Set<String> keys = new LinkedHashSet<>();
                for (final String owner : owners) {
                    keys.addAll(connections.connectionsOf(owner));
                }
                return keys;
            }
            case BROADCAST: {
                final Set<String> keys = new LinkedHashSet<>();
                for (final String subject : connections.subjects()) {
                    keys.addAll(connections.connectionsOf(subject));
                }
                return keys;
            }
            default:
                return Set.of();
        }
    }

    /**
     * Offers one frame to one socket of this instance (also used for the replies to a client's own
     * messages).
     *
     * @return false when the socket is not open here (or was just closed by the slow-client policy)
     */
    public boolean send(final String connectionKey, final String frame) {
        final Outbox outbox = outbox(connectionKey);
        return outbox != null && offer(connectionKey, outbox, Frame.of(frame));
    }

    /** The outbox of an open socket of this instance (created on first use), or null. */
    private Outbox outbox(final String connectionKey) {
        Outbox outbox = outboxes.get(connectionKey);
        if (outbox != null && outbox.isClosed()) {
            outboxes.remove(connectionKey, outbox);
            outbox = null;
        }
        if (outbox == null) {
            final FrameSink sink = sockets.apply(connectionKey);
            if (sink == null || sink.isClosed()) {
                return null;
            }
            outbox = outboxes.computeIfAbsent(connectionKey, k -> new Outbox(sink, capacity, window, policy));
        }
        return outbox;
    }

    private boolean offer(final String connectionKey, final Outbox outbox, final Frame frame) {
        final Outbox.Offer offer = outbox.offer(frame);
        switch (offer) {
            case QUEUED -> frames.increment();
            case QUEUED_DROPPED_OLDEST -> {
                frames.increment();
                dropped.increment();
            }
            case CLOSED -> {
                closedSlow.increment();
                outboxes.remove(connectionKey, outbox);
                LOG.info("events-fanout: closed a slow WebSocket client (1013): its buffer of {} events was full", capacity);
                return false;
            }
            default -> throw new IllegalStateException(offer.name());
        }
        return true;
    }

    /** Drops the outboxes of sockets that closed or left the connection index; returns how many. */
    public int sweep() {
        int removed = 0;
        for (final Map.Entry<String, Outbox> e : outboxes.entrySet()) {
            if (e.getValue().isClosed() || !connections.isOpen(e.getKey())) {
                if (outboxes.remove(e.getKey(), e.getValue())) {
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Outboxes currently held (one per socket that was sent something and is still open). */
    public int outboxCount() {
        return outboxes.size();
    }

    public FanoutStats stats() {
        return new FanoutStats(events.sum(), unroutable.sum(), frames.sum(), dropped.sum(), closedSlow.sum(), outboxes.size());
    }
}
