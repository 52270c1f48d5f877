package io.caravan.eventsfanout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.caravan.common.RealBrokers;

/** A back-end service publishing to the real RabbitMQ's events exchange (plain amqp-client). */
final class Publisher implements AutoCloseable {

    private final ConnectionFactory factory = new ConnectionFactory();
    private final String exchange;
    private Connection connection;
    private Channel channel;

    Publisher(final String exchange) {
        this.exchange = exchange;
        factory.setHost(RealBrokers.get().host());
        factory.setPort(RealBrokers.get().amqpPort());
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(2000);
    }

    /** Publishes; reconnects first when the last connection is gone (RabbitMQ restarted). */
    synchronized void publish(final String routingKey, final String payload) throws IOException {
        try {
            if (channel == null || !channel.isOpen()) {
                close();
                connection = factory.newConnection("events-fanout-test-publisher");
                channel = connection.createChannel();
                channel.exchangeDeclare(exchange, "topic", true, false, null);
            }
            channel.basicPublish(exchange, routingKey, new AMQP.BasicProperties.Builder().contentType("application/json").build(),
                    payload.getBytes(StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (connection != null && connection.isOpen()) {
                connection.close(2000);
            }
        } catch (IOException | RuntimeException e) {
            // already gone
        }
        connection = null;
        channel = null;
    }
}
