import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

/**
 * Load client of the ws-ticket benchmark (run by run.sh with the project's runtime classpath,
 * for Vert.x). C closed-loop clients spread over L client event loops each repeat for D seconds:
 * POST /api/ws-tickets (keep-alive HTTP, bearer token) -> RFC 6455 handshake on a new TCP
 * connection with ?ticket= -> expects 101 -> sends a close frame and hangs up. Every 10th ticket
 * is replayed on another new connection and must get 401.
 *
 * <p>The client is asynchronous on purpose: the JDK HttpClient plus a blocking socket per
 * handshake, used until 2026-11-26, spent ~0.8 ms of CPU per cycle itself, more than the gateway,
 * so on a 2-core machine it measured mostly itself (a bare Vert.x server that does no work at all
 * reached only 1,518 cycles/s with it, 6,091/s with this client).
 *
 * <p>Prints cycles/s (issue + redeem), latency percentiles of the issue call and of the handshake
 * (TCP connect until the 101 status line has arrived), the client's own CPU per cycle and, given
 * the gateway's pid (same machine), the gateway's CPU time per cycle over the measured phase split
 * by thread pool. Exits 1 if any cycle failed or any replay was accepted.
 *
 *   java -cp <classpath> WsTicketBench.java <http base> <ws port> <token> <concurrency> <seconds> [warm-up s] [gateway pid] [client loops]
 */
public final class WsTicketBench {

    /** A masked close frame with status 1000, as a browser sends when the page closes the socket. */
    private static final byte[] CLOSE_FRAME = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xe8};

    public static void main(final String[] args) throws Exception {
        final java.net.URI base = java.net.URI.create(args[0]);
        final int wsPort = Integer.parseInt(args[1]);
        final String token = args[2];
        final int concurrency = Integer.parseInt(args[3]);
        final int seconds = Integer.parseInt(args[4]);
        final int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 5;
        final String pid = args.length > 6 && !args[6].isEmpty() ? args[6] : null;
        final int loops = args.length > 7 ? Integer.parseInt(args[7]) : 2;
        final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        final HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setDefaultHost(base.getHost()).setDefaultPort(base.getPort()), new PoolOptions().setHttp1MaxSize(concurrency));
        final NetClient net = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(5000));
        final Client client = new Client(vertx, http, net, base.getHost(), wsPort, "Bearer " + token);
        try {
            client.run(concurrency, warmup);
            final Map<String, Long> cpuBefore = threadTicks(pid);
            final long selfBefore = processTicks("self");
            final Result result = client.run(concurrency, seconds);
            final long self = processTicks("self") - selfBefore;
            final Map<String, Long> cpuAfter = threadTicks(pid);
            final long cycles = result.cycles.get();
            System.out.printf("concurrency=%d client-loops=%d duration=%ds cycles=%d failures=%d replays=%d replaysAccepted=%d%n", concurrency,
                    loops, seconds, cycles, result.failures.get(), result.replays.get(), result.replaysAccepted.get());
            System.out.printf("issue+redeem per second: %.0f%n", cycles / (double) seconds);
            final long[] issue = result.sorted(result.issueNs);
            final long[] handshake = result.sorted(result.handshakeNs);
            System.out.printf("issue (POST) ms: p50=%.2f p99=%.2f max=%.2f%n", pct(issue, 50), pct(issue, 99), pct(issue, 100));
            System.out.printf("handshake ms: p50=%.2f p99=%.2f max=%.2f%n", pct(handshake, 50), pct(handshake, 99), pct(handshake, 100));
            System.out.printf("load client CPU per cycle: %.0f us%n", self * 10_000.0 / Math.max(1, cycles));
            if (pid != null) {
                printCpu(cpuBefore, cpuAfter, cycles);
            }
            if (result.failures.get() > 0 && result.firstFailure != null) {
                System.out.println("first failure: " + result.firstFailure);
            }
            if (result.replaysAccepted.get() > 0 || result.failures.get() > 0 || cycles == 0) {
                System.exit(1);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** What one measured (or warm-up) phase saw. Each worker writes only its own row of the arrays. */
    private static final class Result {
        final AtomicLong cycles = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong replays = new AtomicLong();
        final AtomicLong replaysAccepted = new AtomicLong();
        final long[][] issueNs;
        final long[][] handshakeNs;
        final int[] count;
        volatile String firstFailure;

        Result(final int workers, final int capacity) {
            issueNs = new long[workers][capacity];
            handshakeNs = new long[workers][capacity];
            count = new int[workers];
        }

        void fail(final String why) {
            if (failures.getAndIncrement() == 0) {
                firstFailure = why;
            }
        }

        long[] sorted(final long[][] perWorker) {
            final long[] all = new long[Arrays.stream(count).sum()];
            int at = 0;
            for (int w = 0; w < perWorker.length; w++) {
                System.arraycopy(perWorker[w], 0, all, at, count[w]);
                at += count[w];
            }
            Arrays.sort(all);
            return all;
        }
    }

    private record Client(Vertx vertx, HttpClient http, NetClient net, String host, int wsPort, String authorization) {

        Result run(final int concurrency, final int seconds) throws InterruptedException {
            final Result result = new Result(concurrency, Math.max(1000, seconds * 20_000 / concurrency));
            final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            final CountDownLatch done = new CountDownLatch(concurrency);
            for (int w = 0; w < concurrency; w++) {
                final int worker = w;
                // one event-loop context per worker, round robin over the client's loops; callbacks stay on it
                final Context context = ((VertxInternal) vertx).createEventLoopContext();
                context.runOnContext(v -> cycle(result, worker, end, done));
            }
            if (!done.await(seconds + 60L, TimeUnit.SECONDS)) {
                throw new IllegalStateException("load clients did not finish");
            }
            return result;
        }

        private void cycle(final Result result, final int worker, final long end, final CountDownLatch done) {
            final int n = result.count[worker];
            if (System.nanoTime() >= end || n == result.issueNs[worker].length) {
                done.countDown();
                return;
            }
            final long t0 = System.nanoTime();
            http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/ws-tickets").putHeader("Authorization", authorization))
                    .compose(request -> request.send())
                    .compose(response -> response.statusCode() == 201 ? response.body()
                            : Future.failedFuture("POST /api/ws-tickets answered " + response.statusCode()))
                    .onComplete(issued -> {
                        if (issued.failed()) {
                            result.fail(String.valueOf(issued.cause()));
                            cycle(result, worker, end, done);
                            return;
                        }
                        final long t1 = System.nanoTime();
                        final String body = issued.result().toString(StandardCharsets.UTF_8);
                        final int at = body.indexOf("\"ticket\":\"") + 10;
                        final String ticket = body.substring(at, body.indexOf('"', at));
                        handshake(ticket, status -> {
                            final long t2 = System.nanoTime();
                            if (status != 101) {
                                result.fail("handshake answered " + status);
                                cycle(result, worker, end, done);
                                return;
                            }
                            result.issueNs[worker][n] = t1 - t0;
                            result.handshakeNs[worker][n] = t2 - t1;
                            result.count[worker] = n + 1;
                            result.cycles.incrementAndGet();
                            if ((n + 1) % 10 == 0) {
                                result.replays.incrementAndGet();
                                handshake(ticket, replayed -> {
                                    if (replayed != 401) {
                                        result.replaysAccepted.incrementAndGet();
                                    }
                                    cycle(result, worker, end, done);
                                });
                            } else {
                                cycle(result, worker, end, done);
                            }
                        });
                    });
        }

        /** One handshake on a fresh connection; hands on the HTTP status (101 = upgraded, -1 = I/O failure). */
        private void handshake(final String ticket, final IntConsumer then) {
            final byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            net.connect(wsPort, host).onComplete(connected -> {
                if (connected.failed()) {
                    then.accept(-1);
                    return;
                }
                final NetSocket socket = connected.result();
                final boolean[] answered = {false};
                socket.handler(data -> {
                    if (answered[0]) {
                        return;
                    }
                    answered[0] = true;
                    final String line = data.getString(0, Math.min(data.length(), 12), "ISO-8859-1");
                    final int status = line.startsWith("HTTP/1.1 ") && line.length() == 12 ? Integer.parseInt(line.substring(9, 12)) : -1;
                    if (status == 101) {
                        socket.write(Buffer.buffer(CLOSE_FRAME));
                    }
                    socket.close();
                    then.accept(status);
                });
                socket.exceptionHandler(e -> {
                    if (!answered[0]) {
                        answered[0] = true;
                        then.accept(-1);
                    }
                });
                socket.write("GET /ws/events?ticket=" + ticket + " HTTP/1.1\r\nHost: " + host + ":" + wsPort
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                        + Base64.getEncoder().encodeToString(nonce) + "\r\n\r\n");
            });
        }
    }

    private static double pct(final long[] sorted, final int percentile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        final int index = Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1_000_000.0;
    }

    /** utime+stime (1/100 s) of a whole process. */
    private static long processTicks(final String pid) throws IOException {
        final String stat = Files.readString(Path.of("/proc", pid, "stat"));
        final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** CPU ticks (utime+stime, 1/100 s) of each thread of {@code pid}, keyed "tid name"; empty without a pid. */
    private static Map<String, Long> threadTicks(final String pid) {
        final Map<String, Long> ticks = new TreeMap<>();
        if (pid == null) {
            return ticks;
        }
        try (var tasks = Files.list(Path.of("/proc", pid, "task"))) {
            tasks.forEach(task -> {
                try {
                    final String stat = Files.readString(task.resolve("stat"));
                    final String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(task.getFileName() + " " + name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (IOException | RuntimeException e) {
                    // thread ended meanwhile
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/task", e);
        }
        return ticks;
    }

    /** Gateway CPU per cycle over the measured phase, in total and per thread pool (digits folded: "http-nio-N-exec-N"). */
    private static void printCpu(final Map<String, Long> before, final Map<String, Long> after, final long cycles) {
        final Map<String, Long> byPool = new TreeMap<>();
        long total = 0;
        for (final Map.Entry<String, Long> e : after.entrySet()) {
            final long used = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            final String pool = e.getKey().substring(e.getKey().indexOf(' ') + 1).replaceAll("[0-9]+", "N");
            byPool.merge(pool, used, Long::sum);
            total += used;
        }
        final long all = total;
        System.out.printf("gateway CPU per cycle: %.0f us (%.2f s CPU for %d cycles)%n", all * 10_000.0 / Math.max(1, cycles),
                all / 100.0, cycles);
        byPool.entrySet().stream().filter(e -> e.getValue() * 50 >= all && e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf("  %-28s %5.0f us/cycle (%2.0f%%)%n", e.getKey(), e.getValue() * 10_000.0 / Math.max(1, cycles),
                        e.getValue() * 100.0 / Math.max(1, all)));
    }
}
