package io.caravan.tsmulticast;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.locks.LockSupport;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Micro-benchmark behind the output choice (run inside a network namespace, see
 * src/test/bench/ts-multicast/RESULTS.md): CPU per datagram and lateness of a paced send loop
 * (park + 20 µs spin) handing 1316-byte datagrams to the Camel netty UDP producer (a hop to the
 * netty worker) versus a send from the pacing thread itself, at 190, 1,900 and 7,600 datagrams/s
 * (2, 20, 80 Mbit/s).
 */
public final class SinkCostMain {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private SinkCostMain() {
    }

    @SuppressWarnings("java:S106")
    private static void run(final String name, final DatagramSink sink, final int rate, final int seconds) throws Exception {
        final byte[] d = new byte[TsPackets.DATAGRAM_SIZE];
        final long interval = 1_000_000_000L / rate;
        final int n = rate * seconds;
        final long c0 = OS.getProcessCpuTime();
        final long t0 = System.nanoTime();
        long lateSum = 0;
        long lateMax = 0;
        for (int i = 0; i < n; i++) {
            final long due = t0 + i * interval;
            long r;
            while ((r = due - System.nanoTime()) > 20_000) {
                LockSupport.parkNanos(r - 20_000);
            }
            while (System.nanoTime() < due) {
                Thread.onSpinWait();
            }
            final long late = System.nanoTime() - due;
            lateSum += late;
            lateMax = Math.max(lateMax, late);
            sink.send(d);
        }
        final long wall = System.nanoTime() - t0;
        final long cpu = OS.getProcessCpuTime() - c0;
        System.out.printf("%-12s %5d/s: cpu %5.1f %% (%6.1f us/datagram), mean late %5d us, max %6d us%n", name, rate,
                100.0 * cpu / wall, cpu / 1e3 / n, lateSum / n / 1000, lateMax / 1000);
    }

    public static void main(final String[] args) throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            final Endpoint ep = camel.getEndpoint("netty:udp://239.3.0.1:7000?sync=false&udpConnectionlessSending=true"
                    + "&udpByteArrayCodec=true&networkInterface=lo&option.IP_MULTICAST_TTL=1");
            final Producer producer = ep.createProducer();
            producer.start();
            final DatagramSink viaCamel = d -> {
                final Exchange e = ep.createExchange();
                e.getIn().setBody(d);
                producer.process(e);
            };
            final DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, NetworkInterface.getByName("lo"));
            final InetSocketAddress to = new InetSocketAddress("239.3.0.1", 7000);
            final DatagramSink inThread = d -> ch.send(ByteBuffer.wrap(d), to);
            run("warm-up", viaCamel, 2000, 2);
            run("warm-up", inThread, 2000, 2);
            for (final int rate : new int[] {190, 1900, 7600}) {
                run("camel-netty", viaCamel, rate, 3);
                run("in-thread", inThread, rate, 3);
                run("no-send", d -> { }, rate, 3);
            }
        }
        System.exit(0);
    }
}
