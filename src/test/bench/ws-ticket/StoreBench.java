import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import io.caravan.wsticket.IssuedTicket;
import io.caravan.wsticket.LettuceTicketStore;
import io.caravan.wsticket.Redemption;
import io.caravan.wsticket.TicketService;

/**
 * The ticket store alone (no HTTP, no token check, no WebSocket): TicketService.issue (SET NX EX)
 * then redeem (GETDEL) against real Redis through LettuceTicketStore, from C threads for D seconds.
 * Shows how much of the end-to-end cost is Redis. Run by run.sh with the project's classpath.
 *
 *   java -cp <classpath> StoreBench.java <redis port> <concurrency> <seconds>
 */
public final class StoreBench {

    public static void main(final String[] args) throws Exception {
        final LettuceTicketStore store = new LettuceTicketStore();
        store.setPort(Integer.parseInt(args[0]));
        final int concurrency = Integer.parseInt(args[1]);
        final int seconds = Integer.parseInt(args[2]);
        final TicketService tickets = new TicketService(store);
        try {
            cycle(tickets, concurrency, 3); // warm-up
            final long[][] latencies = new long[concurrency][];
            final AtomicLong cycles = new AtomicLong();
            final AtomicLong failures = new AtomicLong();
            final long end = System.nanoTime() + seconds * 1_000_000_000L;
            final CountDownLatch done = new CountDownLatch(concurrency);
            for (int w = 0; w < concurrency; w++) {
                final long[] mine = new long[5_000_000 / concurrency];
                latencies[w] = mine;
                new Thread(() -> {
                    int n = 0;
                    while (System.nanoTime() < end && n < mine.length) {
                        final long t0 = System.nanoTime();
                        final IssuedTicket issued = tickets.issue("bench-user", null).toCompletableFuture().join();
                        final Redemption redemption = tickets.redeem(issued.ticket(), null).toCompletableFuture().join();
                        mine[n++] = System.nanoTime() - t0;
                        if (redemption.isAccepted()) {
                            cycles.incrementAndGet();
                        } else {
                            failures.incrementAndGet();
                        }
                    }
                    done.countDown();
                }).start();
            }
            done.await();
            final long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).filter(v -> v > 0).sorted().toArray();
            System.out.printf("store only, concurrency=%d: issue+redeem per second: %.0f (failures %d); cycle ms p50=%.2f p99=%.2f%n",
                    concurrency, cycles.get() / (double) seconds, failures.get(),
                    all[all.length / 2] / 1e6, all[(int) Math.min(all.length - 1, Math.ceil(all.length * 0.99) - 1)] / 1e6);
            if (failures.get() > 0) {
                System.exit(1);
            }
        } finally {
            store.close();
        }
    }

    private static void cycle(final TicketService tickets, final int concurrency, final int seconds) throws InterruptedException {
        final long end = System.nanoTime() + seconds * 1_000_000_000L;
        final CountDownLatch done = new CountDownLatch(concurrency);
        for (int w = 0; w < concurrency; w++) {
            new Thread(() -> {
                while (System.nanoTime() < end) {
                    tickets.redeem(tickets.issue("warm-up", null).toCompletableFuture().join().ticket(), null).toCompletableFuture().join();
                }
                done.countDown();
            }).start();
        }
        done.await();
    }
}
