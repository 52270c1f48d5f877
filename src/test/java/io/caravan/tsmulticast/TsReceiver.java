package io.caravan.tsmulticast;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A raw multicast receiver on one group: keeps every datagram with its arrival time
 * ({@link System#nanoTime()}), for {@link StreamAnalysis}. Joins on the given interface.
 */
public final class TsReceiver implements AutoCloseable {

    private final DatagramChannel channel;
    private final MembershipKey membership;
    private final List<byte[]> datagrams = new ArrayList<>();
    private long[] arrivals = new long[1 << 14];
    private final Thread thread;
    private volatile boolean running = true;

    public TsReceiver(final String group, final int port, final String iface) throws IOException {
        final NetworkInterface ni = NetworkInterface.getByName(iface);
        channel = DatagramChannel.open(StandardProtocolFamily.INET)
                .setOption(StandardSocketOptions.SO_REUSEADDR, true)
                .setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20)
                .bind(new InetSocketAddress(port));
        membership = channel.join(InetAddress.getByName(group), ni);
        thread = new Thread(this::run, "ts-receiver-" + group);
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
    }

    private void run() {
        final ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        while (running) {
            try {
                buf.clear();
                channel.receive(buf);
                final long now = System.nanoTime();
                buf.flip();
                final byte[] d = new byte[buf.remaining()];
                buf.get(d);
                synchronized (this) {
                    if (datagrams.size() == arrivals.length) {
                        arrivals = Arrays.copyOf(arrivals, arrivals.length * 2);
                    }
                    arrivals[datagrams.size()] = now;
                    datagrams.add(d);
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    public synchronized int count() {
        return datagrams.size();
    }

    /** Nanos since the last datagram arrived (Long.MAX_VALUE before the first). */
    public synchronized long quietNanos() {
        return datagrams.isEmpty() ? Long.MAX_VALUE : System.nanoTime() - arrivals[datagrams.size() - 1];
    }

    public synchronized StreamAnalysis analyse() {
        return StreamAnalysis.of(new ArrayList<>(datagrams), Arrays.copyOf(arrivals, datagrams.size()));
    }

    @Override
    public void close() throws IOException {
        running = false;
        membership.drop();
        channel.close();
    }
}
