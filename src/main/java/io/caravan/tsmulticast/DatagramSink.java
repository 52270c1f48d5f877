package io.caravan.tsmulticast;

import java.util.concurrent.Executor;

/** Where a channel's 1316-byte datagrams go (the channel's Camel route to netty UDP, an owned Netty channel, a test list). */
@FunctionalInterface
public interface DatagramSink {

    void send(byte[] datagram) throws Exception;

    /** Where the pacing loop must run, or null for a thread of its own. */
    default Executor executor() {
        return null;
    }
}
