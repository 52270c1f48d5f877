package io.caravan.tsmulticast;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;

/**
 * Output {@code netty-channel}: a Netty UDP channel owned by one channel's sender, on its own
 * one-thread event loop, and the pacing loop runs ON that event loop thread ({@link #executor()}).
 * A write from the event loop is a direct {@code sendto} at the scheduled instant; a write from any
 * other thread (the Camel netty producer's case) is queued to the event loop and wakes it, which
 * costs a second thread that must itself be scheduled on time and, measured here, 5-10× the CPU
 * per datagram (see src/test/bench/ts-multicast/RESULTS.md). The event loop is dedicated: the
 * channel only writes, so blocking it with the pacing loop starves nothing.
 */
public final class NettyChannelSink implements DatagramSink, AutoCloseable {

    private final NioEventLoopGroup group;
    private final Channel channel;
    private final InetSocketAddress target;

    public NettyChannelSink(final ChannelConfig config) throws Exception {
        final NetworkInterface nif = NetworkInterface.getByName(config.iface());
        if (nif == null) {
            throw new SocketException("channel " + config.id() + ": no network interface '" + config.iface() + "'");
        }
        group = new NioEventLoopGroup(1, r -> {
            final Thread t = new Thread(r, "ts-multicast-" + config.id());
            t.setDaemon(true);
            t.setPriority(Thread.MAX_PRIORITY);
            return t;
        });
        try {
            channel = new Bootstrap().group(group)
                    .channelFactory(() -> new NioDatagramChannel(InternetProtocolFamily.IPv4))
                    .handler(new ChannelInboundHandlerAdapter())
                    .option(ChannelOption.IP_MULTICAST_IF, nif)
                    .option(ChannelOption.IP_MULTICAST_TTL, config.ttl())
                    .option(ChannelOption.SO_SNDBUF, 1 << 20)
                    .bind(0).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        target = new InetSocketAddress(InetAddress.getByName(config.group()), config.port());
    }

    @Override
    public void send(final byte[] datagram) throws Exception {
        final ChannelFuture f = channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), target));
        if (f.isDone() && !f.isSuccess()) {
            throw new java.io.IOException("UDP send to " + target + " failed: " + f.cause().getMessage(), f.cause());
        }
    }

    /** The channel's event loop: the sender runs its pacing loop there. */
    @Override
    public Executor executor() {
        return channel.eventLoop();
    }

    @Override
    public void close() {
        channel.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
