package io.caravan.eventsfanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class OutboxTest {

    @Test
    void fastSocketGetsEverythingInOrder() {
        final FakeSink sink = new FakeSink(true);
        final Outbox outbox = new Outbox(sink, 4, 2, SlowClientPolicy.DROP_OLDEST);
        IntStream.range(0, 1000).forEach(i -> assertThat(outbox.offer("e" + i)).isEqualTo(Outbox.Offer.QUEUED));
        assertThat(sink.delivered).hasSize(1000).startsWith("e0", "e1").endsWith("e999");
        assertThat(outbox.written()).isEqualTo(1000);
        assertThat(outbox.dropped()).isZero();
        assertThat(outbox.queued()).isZero();
        assertThat(outbox.inFlight()).isZero();
    }

    @Test
    void atMostWindowFramesAreInFlight() {
        final FakeSink sink = new FakeSink(false);
        final Outbox outbox = new Outbox(sink, 10, 3, SlowClientPolicy.DROP_OLDEST);
        IntStream.range(0, 5).forEach(i -> outbox.offer("e" + i));
        assertThat(sink.pendingCount()).isEqualTo(3);
        assertThat(outbox.inFlight()).isEqualTo(3);
        assertThat(outbox.queued()).isEqualTo(2);
        sink.drainAll();
        assertThat(sink.delivered).containsExactly("e0", "e1", "e2", "e3", "e4");
        assertThat(outbox.inFlight()).isZero();
    }

    @Test
    void stalledSocketWithDropOldestKeepsTheNewestAndStaysOpen() {
        final FakeSink sink = new FakeSink(false);
        final Outbox outbox = new Outbox(sink, 5, 2, SlowClientPolicy.DROP_OLDEST);
        final List<Outbox.Offer> offers = new ArrayList<>();
        IntStream.range(0, 20).forEach(i -> offers.add(outbox.offer("e" + i)));
        // e0, e1 in flight; queue holds 5, so 13 were dropped (e2..e14)
        assertThat(offers.subList(0, 7)).containsOnly(Outbox.Offer.QUEUED);
        assertThat(offers.subList(7, 20)).containsOnly(Outbox.Offer.QUEUED_DROPPED_OLDEST);
        assertThat(outbox.dropped()).isEqualTo(13);
        assertThat(outbox.queued()).isEqualTo(5);
        assertThat(sink.isClosed()).isFalse();
        sink.drainAll();
        assertThat(sink.delivered).containsExactly("e0", "e1", "e15", "e16", "e17", "e18", "e19");
        assertThat(outbox.offer("e20")).isEqualTo(Outbox.Offer.QUEUED);
        sink.drainAll();
        assertThat(sink.delivered).endsWith("e20");
    }

    @Test
    void stalledSocketWithClosePolicyIsClosedWith1013() {
        final FakeSink sink = new FakeSink(false);
        final Outbox outbox = new Outbox(sink, 3, 1, SlowClientPolicy.CLOSE);
        IntStream.range(0, 4).forEach(i -> assertThat(outbox.offer("e" + i)).isEqualTo(Outbox.Offer.QUEUED));
        assertThat(outbox.offer("e4")).isEqualTo(Outbox.Offer.CLOSED);
        assertThat(sink.closeCode).isEqualTo(Outbox.TRY_AGAIN_LATER);
        assertThat(outbox.isClosed()).isTrue();
        assertThat(outbox.offer("e5")).isEqualTo(Outbox.Offer.CLOSED);
        assertThat(outbox.dropped()).isEqualTo(4);
        sink.drainAll();
        assertThat(sink.delivered).containsExactly("e0");
    }

    @Test
    void closePolicyDoesNotTriggerWhileTheClientKeepsUp() {
        final FakeSink sink = new FakeSink(false);
        final Outbox outbox = new Outbox(sink, 3, 2, SlowClientPolicy.CLOSE);
        for (int i = 0; i < 100; i++) {
            assertThat(outbox.offer("e" + i)).isEqualTo(Outbox.Offer.QUEUED);
            if (i % 4 == 3) {
                sink.drainAll();
            }
        }
        sink.drainAll();
        assertThat(sink.delivered).hasSize(100);
        assertThat(sink.isClosed()).isFalse();
    }

    @Test
    void failedWriteClosesTheOutbox() {
        final FakeSink sink = new FakeSink(false);
        final Outbox outbox = new Outbox(sink, 10, 2, SlowClientPolicy.DROP_OLDEST);
        IntStream.range(0, 5).forEach(i -> outbox.offer("e" + i));
        sink.failAll();
        assertThat(outbox.isClosed()).isTrue();
        assertThat(outbox.queued()).isZero();
        assertThat(outbox.offer("late")).isEqualTo(Outbox.Offer.CLOSED);
    }

    @Test
    void concurrentProducersLoseNothingAndKeepEachProducersOrder() throws Exception {
        final FakeSink sink = new FakeSink(true);
        final Outbox outbox = new Outbox(sink, 100_000, 4, SlowClientPolicy.DROP_OLDEST);
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        final CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < 4; t++) {
            final int thread = t;
            pool.submit(() -> {
                start.await();
                for (int i = 0; i < 5000; i++) {
                    outbox.offer(thread + ":" + i);
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        final List<String> delivered;
        synchronized (sink) {
            delivered = new ArrayList<>(sink.delivered);
        }
        assertThat(delivered).hasSize(20_000);
        for (int t = 0; t < 4; t++) {
            final String prefix = t + ":";
            final List<Integer> seq = delivered.stream().filter(s -> s.startsWith(prefix)).map(s -> Integer.parseInt(s.substring(prefix.length()))).toList();
            assertThat(seq).isSorted().hasSize(5000);
        }
    }

    @Test
    void invalidSizesAndPolicies() {
        assertThatThrownBy(() -> new Outbox(new FakeSink(true), 0, 1, SlowClientPolicy.CLOSE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Outbox(new FakeSink(true), 1, 0, SlowClientPolicy.CLOSE)).isInstanceOf(IllegalArgumentException.class);
        assertThat(SlowClientPolicy.parse("drop-oldest")).isEqualTo(SlowClientPolicy.DROP_OLDEST);
        assertThat(SlowClientPolicy.parse(" CLOSE ")).isEqualTo(SlowClientPolicy.CLOSE);
        assertThat(SlowClientPolicy.parse("Drop_Oldest")).isEqualTo(SlowClientPolicy.DROP_OLDEST);
        assertThatThrownBy(() -> SlowClientPolicy.parse("block")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SlowClientPolicy.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
