package io.caravan.eventsfanout;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.caravan.common.FreePorts;
import io.caravan.common.JBangFlow;
import io.caravan.common.RealBrokers;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * The events-fanout benchmark (src/test/bench/events-fanout/run.sh): a private broker stack, the
 * flow (with ws-ticket and mqtt-acl) under Camel JBang in its own JVM with a 1 GiB heap, N real
 * WebSocket clients (Vert.x, in this JVM) opened with real tickets, and a RabbitMQ publisher pacing
 * events at fixed rates. Reports delivered frames/s and publish→receive latency (the publisher's
 * System.nanoTime() in the payload; same host, CLOCK_MONOTONIC), heap per idle socket (jcmd GC.run
 * + GC.heap_info on the flow's JVM) and the sockets the 1 GiB heap held. Not a test: a main().
 */
public final class FanoutBenchmark {

    private static final PrintStream OUT = System.out;

    private final long[] latencies = new long[4_000_000];
    private final AtomicInteger latencyCount = new AtomicInteger();
    private final AtomicLong received = new AtomicLong();
    private volatile boolean recording;

    private FanoutBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        final Map<String, String> opts = new HashMap<>();
        for (final String a : args) {
            final int eq = a.indexOf('=');
            opts.put(a.substring(0, eq).replaceFirst("^--", ""), a.substring(eq + 1));
        }
        new FanoutBenchmark().run(Integer.parseInt(opts.getOrDefault("sockets", "1000")),
                Integer.parseInt(opts.getOrDefault("users", "100")),
                Arrays.stream(opts.getOrDefault("broadcast-rates", "1,5,10,20").split(",")).mapToInt(Integer::parseInt).toArray(),
                Arrays.stream(opts.getOrDefault("user-rates", "500,1000,2000").split(",")).mapToInt(Integer::parseInt).toArray(),
                Integer.parseInt(opts.getOrDefault("seconds", "10")),
                Integer.parseInt(opts.getOrDefault("max-sockets", "15000")),
                Path.of(opts.getOrDefault("out", "target/bench-events-fanout.txt")));
        System.exit(0);
    }

    private void run(final int sockets, final int users, final int[] broadcastRates, final int[] userRates, final int seconds,
            final int maxSockets, final Path report) throws Exception {
        final RealBrokers brokers = RealBrokers.get();
        final int http = FreePorts.next();
        final int ws = FreePorts.next();
        final StringBuilder md = new StringBuilder();
        Files.createDirectories(report.toAbsolutePath().getParent());
        try (JBangFlow flow = FanoutJBang.start(http, Map.of(
                "ws-ticket.ws.port", String.valueOf(ws),
                "ws-ticket.redis.port", String.valueOf(brokers.redisPort()),
                "ws-ticket.ttl-seconds", "120",
                "mqtt-acl.redis.uri", "redis://127.0.0.1:" + brokers.redisPort(),
                "mqtt-acl.http.port", String.valueOf(FreePorts.next()),
                "oauth2.issuer.caravan.uri", brokers.oidcIssuer(),
                "events-fanout.rabbitmq.port", String.valueOf(brokers.amqpPort()),
                "events-fanout.mqtt.broker-url", brokers.mqttUrl()), "-Xmx1g")) {
            final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
            final WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
                    .setConnectTimeout(10_000));
            final String httpBase = "http://127.0.0.1:" + http;
            final long heap0 = heapAfterGc(flow.pid());
            line(md, "flow JVM heap after GC with 0 sockets: %.1f MiB", heap0 / 1048576.0);

            final List<WebSocket> open = new ArrayList<>();
            final long t0 = System.nanoTime();
            open(client, httpBase, ws, users, sockets, open);
            line(md, "opened %d sockets (%d users x %d tabs) in %.1f s", open.size(), users, sockets / users, (System.nanoTime() - t0) / 1e9);
            final long heap1 = heapAfterGc(flow.pid());
            line(md, "flow JVM heap after GC with %d idle sockets: %.1f MiB -> %.1f KiB per idle socket", open.size(), heap1 / 1048576.0,
                    (heap1 - heap0) / 1024.0 / open.size());

            final ConnectionFactory cf = new ConnectionFactory();
            cf.setHost("127.0.0.1");
            cf.setPort(brokers.amqpPort());
            try (Connection amqp = cf.newConnection("bench-publisher"); Channel channel = amqp.createChannel()) {
                channel.exchangeDeclare("caravan.events", "topic", true, false, null);
                line(md, "");
                line(md, "| publish | events/s | deliveries/s offered | delivered frames/s | p50 ms | p99 ms | max ms |");
                line(md, "|---|---|---|---|---|---|---|");
                for (final int rate : broadcastRates) {
                    step(md, channel, "broadcast", rate, (long) rate * open.size(), seconds, users);
                }
                for (final int rate : userRates) {
                    step(md, channel, "users.<u>", rate, (long) rate * (sockets / users), seconds, users);
                }
            }

            // the most sockets: keep opening (idle) until maxSockets or a failure, then weigh the heap
            line(md, "");
            final long t1 = System.nanoTime();
            try {
                open(client, httpBase, ws, users, maxSockets - open.size(), open);
            } catch (RuntimeException e) {
                line(md, "opening more sockets stopped at %d: %s", open.size(), e.getMessage());
            }
            final long heap2 = heapAfterGc(flow.pid());
            line(md, "flow JVM heap after GC with %d idle sockets: %.1f MiB (%.1f KiB per socket); opened in %.1f s",
                    open.size(), heap2 / 1048576.0, (heap2 - heap0) / 1024.0 / open.size(), (System.nanoTime() - t1) / 1e9);
            final double perSocket = (double) (heap2 - heap0) / open.size();
            line(md, "=> a 1 GiB heap holds about %,d idle sockets (heap minus the flow's own %.0f MiB, divided by the per-socket cost; "
                    + "the process limit here is ulimit -n = 20000 descriptors)", (long) ((1024L * 1048576 - heap0) / perSocket), heap0 / 1048576.0);
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                OUT.println("(closing the client sockets took longer than 60 s)");
            }
        }
        Files.writeString(report, md.toString(), StandardCharsets.UTF_8);
        OUT.println("report written to " + report);
    }

    private void open(final WebSocketClient client, final String httpBase, final int wsPort, final int users, final int count,
            final List<WebSocket> open) throws Exception {
        final int batch = 100;
        for (int done = 0; done < count; done += batch) {
            final List<CompletableFuture<WebSocket>> pending = new ArrayList<>();
            for (int i = done; i < Math.min(count, done + batch); i++) {
                final int index = open.size() + i - done;
                final String user = "bench-u" + (index % users);
                final String ticket = EventClient.ticket(httpBase, user);
                pending.add(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(wsPort)
                        .setURI("/ws/events?ticket=" + ticket)).toCompletionStage().toCompletableFuture());
            }
            for (final CompletableFuture<WebSocket> f : pending) {
                final WebSocket socket = f.get(30, TimeUnit.SECONDS);
                socket.textMessageHandler(this::onFrame);
                open.add(socket);
            }
        }
    }

    private void onFrame(final String frame) {
        if (!recording) {
            return;
        }
        received.incrementAndGet();
        final int at = frame.indexOf("\"t\":");
        if (at < 0) {
            return;
        }
        long t = 0;
        for (int i = at + 4; i < frame.length(); i++) {
            final char c = frame.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            t = t * 10 + (c - '0');
        }
        final int slot = latencyCount.getAndIncrement();
        if (slot < latencies.length) {
            latencies[slot] = System.nanoTime() - t;
        }
    }

    private void step(final StringBuilder md, final Channel channel, final String kind, final int eventsPerSecond, final long offered,
            final int seconds, final int users) throws Exception {
        // warm-up 2 s, then measure
        publish(channel, kind, eventsPerSecond, 2, users);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        latencyCount.set(0);
        received.set(0);
        recording = true;
        final long start = System.nanoTime();
        publish(channel, kind, eventsPerSecond, seconds, users);
        final long publishEnd = System.nanoTime();
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1)); // in-flight frames of the last events
        recording = false;
        final double elapsed = (publishEnd - start) / 1e9;
        final int n = Math.min(latencyCount.get(), latencies.length);
        final long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        line(md, "| %s | %d | %,d | %,.0f | %.2f | %.2f | %.2f |", kind, eventsPerSecond, offered, received.get() / elapsed,
                pct(sorted, 0.50), pct(sorted, 0.99), n == 0 ? 0 : sorted[n - 1] / 1e6);
    }

    private static double pct(final long[] sorted, final double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static void publish(final Channel channel, final String kind, final int eventsPerSecond, final int seconds, final int users)
            throws IOException {
        final long interval = 1_000_000_000L / eventsPerSecond;
        final long total = (long) eventsPerSecond * seconds;
        final long begin = System.nanoTime();
        for (long i = 0; i < total; i++) {
            final long due = begin + i * interval;
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(Math.min(due - now, 200_000));
            }
            final String key = "broadcast".equals(kind) ? "broadcast.bench" : "users.bench-u" + (i % users) + ".bench";
            channel.basicPublish("caravan.events", key, null, ("{\"t\":" + System.nanoTime() + "}").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Used heap of {@code pid} after a full GC, from jcmd. */
    private static long heapAfterGc(final long pid) throws Exception {
        final String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        exec(jcmd, String.valueOf(pid), "GC.run");
        exec(jcmd, String.valueOf(pid), "GC.run");
        final String info = exec(jcmd, String.valueOf(pid), "GC.heap_info");
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no heap figure in: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static String exec(final String... cmd) throws Exception {
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private static void line(final StringBuilder md, final String format, final Object... args) {
        final String s = String.format(Locale.ROOT, format, args);
        OUT.println(s);
        md.append(s).append('\n');
    }

}
