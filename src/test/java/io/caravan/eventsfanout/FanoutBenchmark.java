package io.caravan.eventsfanout;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
    /** Part of each latency spent before the flow stamped the envelope (AMQP publish -> consumer -> fan-out). */
    private final long[] upstream = new long[4_000_000];
    private final AtomicInteger latencyCount = new AtomicInteger();
    private long flowPid;
    private long rabbitPid;
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
                rates(opts.getOrDefault("broadcast-rates", "1,5,10,20")),
                rates(opts.getOrDefault("user-rates", "500,1000,2000")),
                Integer.parseInt(opts.getOrDefault("seconds", "10")),
                Integer.parseInt(opts.getOrDefault("max-sockets", "15000")),
                Path.of(opts.getOrDefault("out", "target/bench-events-fanout.txt")), opts.getOrDefault("runtime", "deployed"),
                opts.getOrDefault("flow-props", ""), Integer.parseInt(opts.getOrDefault("client-loops", "2")),
                Integer.parseInt(opts.getOrDefault("warmup", "10")));
        System.exit(0);
    }

    /**
     * How the Camel runtime around the flow is configured. {@code deployed} (the default) runs it as a
     * gateway instance runs in production (Camel K on Camel Quarkus: no dev profile, no Camel JMX
     * MBeans): {@code camel.main.profile=prod}, {@code camel.main.jmxEnabled=false}. {@code dev} keeps
     * {@code camel run}'s own defaults: the dev profile (backlog tracer on standby, message history,
     * extended JMX statistics, dev consoles) and JMX, which the Camel CLI connector of {@code camel run}
     * reads every second through its route dev console. The flow's own configuration is the same in both.
     */
    static Map<String, String> runtimeProperties(final String runtime) {
        return switch (runtime) {
            case "deployed" -> Map.of("camel.main.profile", "prod", "camel.main.jmxEnabled", "false");
            case "dev" -> Map.of();
            default -> throw new IllegalArgumentException("--runtime=deployed|dev, not " + runtime);
        };
    }

    /** "1,5,10" -> {1, 5, 10}; "" -> none (skip that kind of step). */
    private static int[] rates(final String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(r -> !r.isEmpty()).mapToInt(Integer::parseInt).toArray();
    }

    private void run(final int sockets, final int users, final int[] broadcastRates, final int[] userRates, final int seconds,
            final int maxSockets, final Path report, final String runtime, final String flowProps, final int clientLoops,
            final int warmup) throws Exception {
        final RealBrokers brokers = RealBrokers.get();
        final int http = FreePorts.next();
        final int ws = FreePorts.next();
        final StringBuilder md = new StringBuilder();
        Files.createDirectories(report.toAbsolutePath().getParent());
        final Map<String, String> props = new HashMap<>(Map.of(
                "ws-ticket.ws.port", String.valueOf(ws),
                "ws-ticket.redis.port", String.valueOf(brokers.redisPort()),
                "ws-ticket.ttl-seconds", "120",
                "mqtt-acl.redis.uri", "redis://127.0.0.1:" + brokers.redisPort(),
                "mqtt-acl.http.port", String.valueOf(FreePorts.next()),
                "oauth2.issuer.caravan.uri", brokers.oidcIssuer(),
                "events-fanout.rabbitmq.port", String.valueOf(brokers.amqpPort()),
                "events-fanout.mqtt.broker-url", brokers.mqttUrl()));
        props.putAll(runtimeProperties(runtime));
        for (final String kv : flowProps.split(",")) {
            if (kv.contains("=")) {
                props.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        line(md, "flow started with %s", new java.util.TreeMap<>(props));
        try (JBangFlow flow = FanoutJBang.start(http, props, "-Xmx1g")) {
            // the receiving clients: sockets spread round-robin over clientLoops event loops (runs before
            // 2026-11-26 17:45 UTC used one loop, which read all 1,000 sockets of a broadcast one after another)
            final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(clientLoops));
            line(md, "receiving clients: %d Vert.x event loop(s) in the benchmark JVM; JIT warm-up before the first step: %d s", clientLoops, warmup);
            final WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
                    .setConnectTimeout(10_000));
            final String httpBase = "http://127.0.0.1:" + http;
            flowPid = flow.pid();
            rabbitPid = rabbitPid(brokers);
            OUT.printf("flow JVM pid %d, RabbitMQ pid %d, benchmark JVM pid %d%n", flowPid, rabbitPid, ProcessHandle.current().pid());
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
                // JIT warm-up of both JVMs (not recorded): each step's own 2 s warm-up is only 2 events at 1 broadcast/s
                if (warmup > 0) {
                    publish(channel, "broadcast", 10, (warmup + 1) / 2, users);
                    publish(channel, "users.<u>", 500, warmup / 2, users);
                    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                }
                line(md, "");
                line(md, "| publish | events/s | deliveries/s offered | delivered frames/s | p50 ms | p99 ms | max ms "
                        + "| to the flow p50 / p99 ms | flow CPU µs per frame | bench JVM CPU µs per frame | cores: flow / bench clients / RabbitMQ | load |");
                line(md, "|---|---|---|---|---|---|---|---|---|---|---|---|");
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
        final long now = System.nanoTime();
        received.incrementAndGet();
        final long t = number(frame, "\"t\":");
        if (t < 0) {
            return;
        }
        final int slot = latencyCount.getAndIncrement();
        if (slot < latencies.length) {
            latencies[slot] = now - t;
            // publish wall clock (µs) -> the envelope's "ts" (the flow's clock when it built the frame)
            final long w = number(frame, "\"w\":");
            final int ts = frame.indexOf("\"ts\":\"");
            if (w >= 0 && ts >= 0) {
                long diff = microsOfDay(frame, ts + 6) - w % DAY_MICROS;
                if (diff < -DAY_MICROS / 2) {
                    diff += DAY_MICROS;
                } else if (diff > DAY_MICROS / 2) {
                    diff -= DAY_MICROS;
                }
                upstream[slot] = diff * 1000;
            } else {
                upstream[slot] = Long.MIN_VALUE;
            }
        }
    }

    private static final long DAY_MICROS = 86_400_000_000L;

    /**
     * Microseconds of the UTC day of an ISO instant ({@code 2026-11-26T15:07:01.123456Z}) starting at
     * {@code at}: cheap enough for the single client event loop (Instant.parse is not).
     */
    private static long microsOfDay(final String s, final int at) {
        final int t = s.indexOf('T', at);
        final long h = (s.charAt(t + 1) - '0') * 10 + (s.charAt(t + 2) - '0');
        final long m = (s.charAt(t + 4) - '0') * 10 + (s.charAt(t + 5) - '0');
        final long sec = (s.charAt(t + 7) - '0') * 10 + (s.charAt(t + 8) - '0');
        long micros = 0;
        int digits = 0;
        if (s.charAt(t + 9) == '.') {
            for (int i = t + 10; digits < 6 && Character.isDigit(s.charAt(i)); i++, digits++) {
                micros = micros * 10 + (s.charAt(i) - '0');
            }
        }
        for (; digits < 6; digits++) {
            micros *= 10;
        }
        return ((h * 60 + m) * 60 + sec) * 1_000_000L + micros;
    }

    /** The decimal digits after {@code field} in {@code frame}, or -1. */
    private static long number(final String frame, final String field) {
        final int at = frame.indexOf(field);
        if (at < 0) {
            return -1;
        }
        long v = 0;
        for (int i = at + field.length(); i < frame.length(); i++) {
            final char c = frame.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private void step(final StringBuilder md, final Channel channel, final String kind, final int eventsPerSecond, final long offered,
            final int seconds, final int users) throws Exception {
        // warm-up 2 s, then measure
        publish(channel, kind, eventsPerSecond, 2, users);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        latencyCount.set(0);
        received.set(0);
        final long[] cpu0 = {cpuTicks(flowPid), cpuTicks(ProcessHandle.current().pid()), cpuTicks(rabbitPid)};
        recording = true;
        final long start = System.nanoTime();
        publish(channel, kind, eventsPerSecond, seconds, users);
        final long publishEnd = System.nanoTime();
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1)); // in-flight frames of the last events
        recording = false;
        final long wall = System.nanoTime() - start;
        final long[] cpu1 = {cpuTicks(flowPid), cpuTicks(ProcessHandle.current().pid()), cpuTicks(rabbitPid)};
        final double elapsed = (publishEnd - start) / 1e9;
        final int n = Math.min(latencyCount.get(), latencies.length);
        final long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        final long[] up = Arrays.stream(Arrays.copyOf(upstream, n)).filter(v -> v != Long.MIN_VALUE).sorted().toArray();
        final double tick = 1000.0 / CLK_TCK; // ms per tick
        final double flowMs = (cpu1[0] - cpu0[0]) * tick;
        final double benchMs = (cpu1[1] - cpu0[1]) * tick;
        line(md, "| %s | %d | %,d | %,.0f | %.2f | %.2f | %.2f | %.2f / %.2f | %.0f | %.0f | %.2f / %.2f / %.2f | %s |", kind, eventsPerSecond, offered,
                received.get() / elapsed, pct(sorted, 0.50), pct(sorted, 0.99), n == 0 ? 0 : sorted[n - 1] / 1e6, pct(up, 0.50), pct(up, 0.99),
                received.get() == 0 ? Double.NaN : flowMs * 1e3 / received.get(), received.get() == 0 ? Double.NaN : benchMs * 1e3 / received.get(),
                flowMs / (wall / 1e6),
                (cpu1[1] - cpu0[1]) * tick / (wall / 1e6), (cpu1[2] - cpu0[2]) * tick / (wall / 1e6), loadAverage());
    }

    /** Jiffies per second of /proc/<pid>/stat (USER_HZ; 100 on Linux). */
    private static final long CLK_TCK = 100;

    /** utime + stime of {@code pid} in clock ticks, or 0 when unknown. */
    private static long cpuTicks(final long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            final String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    /** The RabbitMQ (beam) process of the private stack, from its pid file, or 0. */
    private static long rabbitPid(final RealBrokers brokers) {
        try {
            long pid = Long.parseLong(Files.readString(brokers.stackDir().resolve("rabbitmq/rabbitmq.pid")).trim());
            // the pid file may name the start script: follow its only child down to the Erlang VM
            for (int depth = 0; depth < 3 && !Files.readString(Path.of("/proc", pid + "", "comm")).startsWith("beam"); depth++) {
                final String children = Files.readString(Path.of("/proc", pid + "", "task", pid + "", "children")).trim();
                if (children.isEmpty()) {
                    break;
                }
                pid = Long.parseLong(children.split(" ")[0]);
            }
            return pid;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
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
            final Instant wall = Instant.now();
            channel.basicPublish("caravan.events", key, null, ("{\"t\":" + System.nanoTime() + ",\"w\":"
                    + (wall.getEpochSecond() * 1_000_000L + wall.getNano() / 1000) + "}").getBytes(StandardCharsets.UTF_8));
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
