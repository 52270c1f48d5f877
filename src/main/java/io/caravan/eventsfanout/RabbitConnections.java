package io.caravan.eventsfanout;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;

/**
 * The flow's RabbitMQ connection factory (plain Spring AMQP, no Spring context): a bean that owns one
 * {@link CachingConnectionFactory} for its {@link AmqpTopology} and destroys it with {@link #close()} (its
 * YAML {@code destroyMethod}), shared by the consumer and the producer endpoints, which name it as
 * {@code connectionFactory: "#class:io.caravan.eventsfanout.RabbitConnections#factoryOf(#bean:eventsFanoutRabbit)"}.
 * It is deliberately not a {@code ConnectionFactory} bean itself: a second one in the registry would stop
 * spring-rabbitmq from autowiring the runtime's own for the other flows.
 *
 * <p>Why the topology is declared here and not by the spring-rabbitmq consumer ({@code autoDeclare}
 * with {@code arg.queue.exclusive=true&arg.queue.autoDelete=true}): the consumer binds one routing
 * key only, and it declares once, at consumer start. After a RabbitMQ restart the queue is gone (it
 * is exclusive and non-durable); Spring's listener containers re-declare only queues that are beans
 * of a Spring ApplicationContext, which Camel's are not (Camel JBang and Camel K have none), so the
 * consumer would retry against a missing queue forever. A {@link ConnectionListener} runs before
 * the container gets the new connection, so the queue and every binding exist again before it
 * re-subscribes. The exclusive queue belongs to the factory's single shared connection, which the
 * consumer's channels use too.
 */
public final class RabbitConnections implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitConnections.class);

    private final CachingConnectionFactory factory;

    public RabbitConnections(final AmqpTopology topology) {
        this.factory = create(topology);
    }

    /** The connection factory this bean owns. */
    public CachingConnectionFactory factory() {
        return factory;
    }

    /** The connection factory of {@code connections}, for an endpoint's {@code connectionFactory} option. */
    public static CachingConnectionFactory factoryOf(final RabbitConnections connections) {
        return connections.factory();
    }

    /** Closes the factory's connection (the exclusive queue goes with it). */
    @Override
    public void close() {
        factory.destroy();
    }

    private static CachingConnectionFactory create(final AmqpTopology topology) {
        final CachingConnectionFactory factory = new CachingConnectionFactory(topology.getHost(), topology.getPort());
        factory.setUsername(topology.getUsername());
        factory.setPassword(topology.getPassword());
        factory.setVirtualHost(topology.getVirtualHost());
        factory.setConnectionTimeout(2000);
        factory.setConnectionNameStrategy(cf -> "events-fanout " + topology.getQueue());
        factory.addConnectionListener(new ConnectionListener() {
            @Override
            public void onCreate(final Connection connection) {
                try (Channel channel = connection.createChannel(false)) {
                    declare(channel, topology);
                    LOG.info("events-fanout: {} declared", topology);
                } catch (IOException | TimeoutException | RuntimeException e) {
                    LOG.warn("events-fanout: declaring {} failed: {}", topology, e.toString());
                }
            }
        });
        return factory;
    }

    /** Declares the exchange (topic, durable), the queue (exclusive, auto-delete) and its bindings. */
    static void declare(final Channel channel, final AmqpTopology topology) throws IOException {
        channel.exchangeDeclare(topology.getExchange(), "topic", true, false, null);
        channel.queueDeclare(topology.getQueue(), false, true, true, null);
        for (final String key : topology.getBindingKeys()) {
            channel.queueBind(topology.getQueue(), topology.getExchange(), key);
        }
    }
}
