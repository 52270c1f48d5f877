package io.caravan.eventsfanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fan-out hands an event to each socket event loop in one task, and keeps every guarantee of the Outbox. */
class EventsFanoutLoopsTest {

    /** A socket owned by an event loop (a single-thread executor here). */
    private static final class LoopSink implements FrameSink {
        final FakeSink socket;
        final Executor loop;
        final List<String> writerThreads = new CopyOnWriteArrayList<>();

        LoopSink(final FakeSink socket, final Executor loop) {
            this.socket = socket;
            this.loop = loop;
        }

        @Override
        public void write(final Frame frame, final Runnable written, final Consumer<Throwable> failed) {
            writerThreads.add(Thread.currentThread().getName());
            socket.write(frame, written, failed);
        }

        @Override
        public void close(final short code, final String reason) {
            socket.close(code, reason);
        }

        @Override
        public boolean isClosed() {
            return socket.isClosed();
        }

        @Override
        public Executor executor() {
            return loop;
        }
    }

    private final ExecutorService loop1 = Executors.newSingleThreadExecutor(r -> new Thread(r, "loop-1"));
    private final ExecutorService loop2 = Executors.newSingleThreadExecutor(r -> new Thread(r, "loop-2"));
    private final Map<String, FrameSink> sinks = new LinkedHashMap<>();

    @AfterEach
    void stop() {
        loop1.shutdownNow();
        loop2.shutdownNow();
    }

    private EventsFanout fanout(final SlowClientPolicy policy, final int capacity) {
        final Connections connections = new Connections() {
            @Override
            public Set<String> connectionsOf(final String subject) {
                return "u".equals(subject) ? new LinkedHashSet<>(sinks.keySet()) : Set.of();
            }

            @Override
            public Set<String> subjects() {
                return Set.of("u");
            }

            @Override
            public boolean isOpen(final String key) {
                return sinks.containsKey(key);
            }
        };
        return new EventsFanout(connections, d -> Set.of(), sinks::get, capacity, 2, policy, Clock.systemUTC());
    }

    private static void settle(final ExecutorService... loops) throws Exception {
        for (final ExecutorService l : loops) {
            l.submit(() -> { }).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void eachLoopGetsTheEventOnceAndWritesItsSocketsThereInOrder() throws Exception {
        final LoopSink s1 = new LoopSink(new FakeSink(true), loop1);
        final LoopSink s2 = new LoopSink(new FakeSink(true), loop1);
        final LoopSink s3 = new LoopSink(new FakeSink(true), loop2);
        final FakeSink s4 = new FakeSink(true); // loop unknown: written by the caller
        sinks.put("s1", s1);
        sinks.put("s2", s2);
        sinks.put("s3", s3);
        sinks.put("s4", s4);
        final EventsFanout fanout = fanout(SlowClientPolicy.DROP_OLDEST, 256);
        for (int i = 0; i < 100; i++) {
            assertThat(fanout.deliver(i % 2 == 0 ? "broadcast.n" : "users.u.n", ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8))).isEqualTo(4);
        }
        settle(loop1, loop2);
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add("\"payload\":{\"i\":" + i + "}");
        }
        for (final FakeSink s : List.of(s1.socket, s2.socket, s3.socket, s4)) {
            assertThat(s.delivered).hasSize(100);
            for (int i = 0; i < 100; i++) {
                assertThat(s.delivered.get(i)).contains(expected.get(i));
            }
        }
        assertThat(s1.writerThreads).containsOnly("loop-1");
        assertThat(s2.writerThreads).containsOnly("loop-1");
        assertThat(s3.writerThreads).containsOnly("loop-2");
        assertThat(fanout.stats().frames()).isEqualTo(400);
        // one event, one frame object for all sockets
        assertThat(s1.socket.delivered.get(0)).isSameAs(s3.socket.delivered.get(0)).isSameAs(s4.delivered.get(0));
    }

    @Test
    void aBroadcastToMoreSocketsThanOneChunkKeepsEachSocketsOrder() throws Exception {
        final List<LoopSink> all = new ArrayList<>();
        for (int i = 0; i < 3 * EventsFanout.DISPATCH_CHUNK + 7; i++) {
            final LoopSink s = new LoopSink(new FakeSink(true), i % 3 == 0 ? loop2 : loop1);
            all.add(s);
            sinks.put("k" + i, s);
        }
        final EventsFanout fanout = fanout(SlowClientPolicy.CLOSE, 4);
        for (int i = 0; i < 50; i++) {
            assertThat(fanout.deliver("broadcast.n", ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8))).isEqualTo(all.size());
        }
        settle(loop1, loop2);
        for (final LoopSink s : all) {
            assertThat(s.socket.delivered).hasSize(50);
            for (int i = 0; i < 50; i++) {
                assertThat(s.socket.delivered.get(i)).contains("\"payload\":{\"i\":" + i + "}");
            }
            assertThat(s.socket.closeCode).isNull();
        }
        assertThat(fanout.stats().frames()).isEqualTo(50L * all.size());
    }

    @Test
    void aStalledSocketOnALoopIsClosedWith1013AndDoesNotHoldUpItsNeighbours() throws Exception {
        final LoopSink stalled = new LoopSink(new FakeSink(false), loop1);
        final LoopSink fast = new LoopSink(new FakeSink(true), loop1);
        sinks.put("stalled", stalled);
        sinks.put("fast", fast);
        final EventsFanout fanout = fanout(SlowClientPolicy.CLOSE, 3);
        for (int i = 0; i < 10; i++) {
            fanout.deliver("broadcast.n", ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
            settle(loop1);
        }
        assertThat(stalled.socket.closeCode).isEqualTo(Outbox.TRY_AGAIN_LATER);
        assertThat(fanout.stats().closedSlow()).isEqualTo(1);
        assertThat(fast.socket.delivered).hasSize(10);
        // window 2 in flight + 3 queued, the 6th offer closed it
        assertThat(stalled.socket.pendingCount()).isEqualTo(2);
    }

    @Test
    void dropOldestOnALoopKeepsTheNewest() throws Exception {
        final LoopSink stalled = new LoopSink(new FakeSink(false), loop2);
        sinks.put("stalled", stalled);
        final EventsFanout fanout = fanout(SlowClientPolicy.DROP_OLDEST, 3);
        for (int i = 0; i < 10; i++) {
            fanout.deliver("broadcast.n", ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        settle(loop2);
        loop2.submit(stalled.socket::drainAll).get(10, TimeUnit.SECONDS);
        settle(loop2);
        assertThat(stalled.socket.delivered).hasSize(5);
        assertThat(stalled.socket.delivered.get(0)).contains("{\"i\":0}");
        assertThat(stalled.socket.delivered.get(1)).contains("{\"i\":1}");
        assertThat(stalled.socket.delivered.get(4)).contains("{\"i\":9}");
        assertThat(fanout.stats().dropped()).isEqualTo(5);
        assertThat(stalled.socket.closeCode).isNull();
    }
}
