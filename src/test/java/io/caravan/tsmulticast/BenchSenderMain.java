package io.caravan.tsmulticast;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.Awaitility;

/**
 * Benchmark sender (src/test/bench/ts-multicast/run.sh, inside a private network namespace): the
 * flow's real YAML with one channel playing {@code source} once to {@code group:port} on lo;
 * writes sender-side stats and the process CPU time spent while streaming.
 *
 * <p>args: project dir, source (.ts directory or .m3u8), group, port, output json, stream seconds, output (netty-channel | camel-route).
 */
public final class BenchSenderMain {

    private BenchSenderMain() {
    }

    private static long halfNanos(final String[] args) {
        return args.length > 5 ? (long) (Double.parseDouble(args[5]) * 0.5e9) : 4_000_000_000L;
    }

    public static void main(final String[] args) throws Exception {
        final Path project = Path.of(args[0]);
        final Properties props = MulticastNamespaceMain.flowProperties(project);
        props.put("ts-multicast.channels", "bench");
        props.put("ts-multicast.channel.bench.source", args[1]);
        props.put("ts-multicast.channel.bench.group", args[2]);
        props.put("ts-multicast.channel.bench.port", args[3]);
        props.put("ts-multicast.channel.bench.loop", "false");
        props.put("ts-multicast.channel.bench.output", args.length > 6 ? args[6] : ChannelConfig.OUTPUT_NETTY);
        final Map<String, Object> out = new LinkedHashMap<>();
        try (DefaultCamelContext camel = MulticastNamespaceMain.startFlow(project, props)) {
            final TsMulticastChannels channels = camel.getRegistry().lookupByNameAndType("tsMulticastChannels", TsMulticastChannels.class);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> camel.getRoute("ts-multicast-send-bench") != null);
            final com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            final long cpu0 = os.getProcessCpuTime();
            final long t0 = System.nanoTime();
            channels.control("bench", "start");
            // steady state: the second half of the run (the first one includes JIT compilation)
            final long[] half = new long[2];
            Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (half[0] == 0 && System.nanoTime() - t0 > halfNanos(args)) {
                    half[0] = System.nanoTime();
                    half[1] = os.getProcessCpuTime();
                }
                return channels.state("bench").equals("finished");
            });
            final long wall = System.nanoTime() - t0;
            final long cpu = os.getProcessCpuTime() - cpu0;
            if (half[0] != 0) {
                out.put("cpuSteadyPercent", Math.round(1000.0 * (os.getProcessCpuTime() - half[1]) / (System.nanoTime() - half[0])) / 10.0);
            }
            final ChannelStats stats = channels.stats("bench");
            final java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            final Map<String, Long> perThread = new java.util.TreeMap<>();
            for (final long id : threads.getAllThreadIds()) {
                final java.lang.management.ThreadInfo info = threads.getThreadInfo(id);
                final long t = threads.getThreadCpuTime(id);
                if (info != null && t > 50_000_000L) {
                    perThread.put(info.getThreadName(), t / 1_000_000L);
                }
            }
            out.put("threadCpuMillis", perThread);
            out.put("wallSeconds", wall / 1e9);
            out.put("cpuPercent", Math.round(1000.0 * cpu / wall) / 10.0);
            out.put("datagrams", stats.datagrams());
            out.put("late", stats.late());
            out.put("errors", stats.errors());
            final long[] j = stats.jitterMicros();
            out.put("senderJitterP50Micros", j[0]);
            out.put("senderJitterP99Micros", j[1]);
            out.put("senderJitterMaxMicros", j[2]);
        }
        Files.writeString(Path.of(args[4]), new ObjectMapper().writeValueAsString(out));
        System.exit(0);
    }
}
