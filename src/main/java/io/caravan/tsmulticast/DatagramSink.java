package io.caravan.tsmulticast;

/** Where a channel's 1316-byte datagrams go (the channel's Camel route to netty UDP, or a test socket). */
@FunctionalInterface
public interface DatagramSink {

    void send(byte[] datagram) throws Exception;
}
