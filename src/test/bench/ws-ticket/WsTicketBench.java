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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load client of the ws-ticket benchmark (JDK only; run by run.sh with `java WsTicketBench.java`).
 * Each of C workers loops for D seconds: POST /api/ws-tickets (keep-alive HTTP, bearer token) ->
 * RFC 6455 handshake on a new TCP connection with ?ticket= -> expects 101 -> closes. It also
 * replays every 10th ticket, which must get 401. Prints cycles/s (issue + redeem) and latency
 * percentiles of the issue call and of the handshake (TCP connect to 101 received).
 *
 *   java WsTicketBench.java <http base> <ws port> <token> <concurrency> <seconds> [warmup seconds]
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
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

        run(http, base, wsPort, token, concurrency, warmup, false);
        final Result result = run(http, base, wsPort, token, concurrency, seconds, true);
        System.out.printf("concurrency=%d duration=%ds cycles=%d failures=%d replays=%d replaysAccepted=%d%n", concurrency, seconds,
                result.cycles.get(), result.failures.get(), result.replays.get(), result.replaysAccepted.get());
        System.out.printf("issue+redeem per second: %.0f%n", result.cycles.get() / (double) seconds);
        System.out.printf("issue (POST) ms: p50=%.2f p99=%.2f max=%.2f%n", pct(result.issue, 50), pct(result.issue, 99), pct(result.issue, 100));
        System.out.printf("handshake ms: p50=%.2f p99=%.2f max=%.2f%n", pct(result.handshake, 50), pct(result.handshake, 99), pct(result.handshake, 100));
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
}
