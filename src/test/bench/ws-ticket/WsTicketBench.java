import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load client of the ws-ticket benchmark (JDK only; run by run.sh with `java WsTicketBench.java`).
 * Each of C workers loops for D seconds: POST /api/ws-tickets (keep-alive HTTP, bearer token) ->
 * RFC 6455 handshake on a new TCP connection with ?ticket= -> expects 101 -> closes. It also
 * replays every 10th ticket, which must get 401. Prints cycles/s (issue + redeem) and latency
 * percentiles of the issue call and of the handshake (TCP connect to 101 received). Given the
 * gateway's pid (same machine), it also prints the gateway's CPU time (utime+stime from /proc) per
 * cycle over the measured phase, split by thread pool: the stable metric on a shared machine.
 *
 *   java WsTicketBench.java <http base> <ws port> <token> <concurrency> <seconds> [warmup seconds] [gateway pid]
 */
public final class WsTicketBench {

    private static final SecureRandom RANDOM = new SecureRandom();

    public static void main(final String[] args) throws Exception {
        final String base = args[0];
        final int wsPort = Integer.parseInt(args[1]);
        final String token = args[2];
        final int concurrency = Integer.parseInt(args[3]);
        final int seconds = Integer.parseInt(args[4]);
        final int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 5;
        final String pid = args.length > 6 ? args[6] : null;
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

        run(http, base, wsPort, token, concurrency, warmup, false);
        final Map<String, Long> cpuBefore = threadTicks(pid);
        final Result result = run(http, base, wsPort, token, concurrency, seconds, true);
        final Map<String, Long> cpuAfter = threadTicks(pid);
        System.out.printf("concurrency=%d duration=%ds cycles=%d failures=%d replays=%d replaysAccepted=%d%n", concurrency, seconds,
                result.cycles.get(), result.failures.get(), result.replays.get(), result.replaysAccepted.get());
        System.out.printf("issue+redeem per second: %.0f%n", result.cycles.get() / (double) seconds);
        System.out.printf("issue (POST) ms: p50=%.2f p99=%.2f max=%.2f%n", pct(result.issue, 50), pct(result.issue, 99), pct(result.issue, 100));
        System.out.printf("handshake ms: p50=%.2f p99=%.2f max=%.2f%n", pct(result.handshake, 50), pct(result.handshake, 99), pct(result.handshake, 100));
        if (pid != null) {
            printCpu(cpuBefore, cpuAfter, result.cycles.get());
        }
        if (result.replaysAccepted.get() > 0 || result.failures.get() > 0) {
            System.exit(1);
        }
    }

    private static final class Result {
        final AtomicLong cycles = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong replays = new AtomicLong();
        final AtomicLong replaysAccepted = new AtomicLong();
        final List<long[]> issue = new ArrayList<>();
        final List<long[]> handshake = new ArrayList<>();
    }

    private static Result run(final HttpClient http, final String base, final int wsPort, final String token, final int concurrency,
            final int seconds, final boolean measured) throws InterruptedException {
        final Result result = new Result();
        final long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        final CountDownLatch done = new CountDownLatch(concurrency);
        for (int w = 0; w < concurrency; w++) {
            final long[] issueNs = new long[2_000_000 / concurrency];
            final long[] handshakeNs = new long[2_000_000 / concurrency];
            synchronized (result) {
                result.issue.add(issueNs);
                result.handshake.add(handshakeNs);
            }
            final Thread worker = new Thread(() -> {
                int n = 0;
                try {
                    while (System.nanoTime() < end && n < issueNs.length) {
                        try {
                            final long t0 = System.nanoTime();
                            final HttpResponse<String> issued = http.send(HttpRequest.newBuilder(URI.create(base + "/api/ws-tickets"))
                                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                            final long t1 = System.nanoTime();
                            if (issued.statusCode() != 201) {
                                result.failures.incrementAndGet();
                                continue;
                            }
                            final String body = issued.body();
                            final int at = body.indexOf("\"ticket\":\"") + 10;
                            final String ticket = body.substring(at, body.indexOf('"', at));
                            final long t2 = System.nanoTime();
                            final int status = handshake(wsPort, ticket);
                            final long t3 = System.nanoTime();
                            if (status != 101) {
                                result.failures.incrementAndGet();
                                continue;
                            }
                            issueNs[n] = t1 - t0 + 1;
                            handshakeNs[n] = t3 - t2 + 1;
                            n++;
                            result.cycles.incrementAndGet();
                            if (n % 10 == 0) {
                                result.replays.incrementAndGet();
                                if (handshake(wsPort, ticket) != 401) {
                                    result.replaysAccepted.incrementAndGet();
                                }
                            }
                        } catch (IOException e) {
                            result.failures.incrementAndGet();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
            worker.start();
        }
        done.await();
        return result;
    }

    /** One handshake on a fresh connection; returns the HTTP status (101 = upgraded). */
    private static int handshake(final int port, final String ticket) throws IOException {
        final byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            final OutputStream out = socket.getOutputStream();
            out.write(("GET /ws/events?ticket=" + ticket + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(nonce) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            final InputStream in = socket.getInputStream();
            final ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                line.write(b);
            }
            final String status = line.toString(StandardCharsets.ISO_8859_1);
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    private static double pct(final List<long[]> perWorker, final int percentile) {
        final long[] all = perWorker.stream().flatMapToLong(a -> Arrays.stream(a).filter(v -> v > 0)).sorted().toArray();
        if (all.length == 0) {
            return Double.NaN;
        }
        final int index = Math.min(all.length - 1, (int) Math.ceil(percentile / 100.0 * all.length) - 1);
        return all[Math.max(0, index)] / 1_000_000.0;
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
