package io.caravan.eventsfanout;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;

/**
 * This instance's place on the {@code caravan.events} topic exchange: one exclusive, auto-delete,
 * non-durable queue (named per instance) bound with the configured keys, declared on EVERY new
 * AMQP connection.
 *
 * <p>Why not the spring-rabbitmq consumer's own declaration ({@code autoDeclare} with
 * {@code arg.queue.exclusive=true&arg.queue.autoDelete=true}): it binds one routing key only, and it
 * declares once, at consumer start. After a RabbitMQ restart the queue is gone (it is exclusive and
 * non-durable); Spring's listener container re-declares only queues that are beans of a Spring
 * ApplicationContext, which Camel's are not (and Camel JBang / Camel K have none), so the consumer
 * would retry against a missing queue forever. A {@link ConnectionListener} runs before the
 * container gets the new connection, so the queue and all bindings exist again before it
 * re-subscribes. The exclusive queue is owned by the factory's single shared connection, which the
 * consumer's channels use too.
 */
public final class AmqpTopology implements ConnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpTopology.class);

    private final String exchange;
    private final String queue;
    private final List<String> bindingKeys;

    public AmqpTopology(final String exchange, final String queue, final String bindingKeys) {
        this.exchange = exchange;
        this.queue = queue;
        this.bindingKeys = Arrays.stream(bindingKeys.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (this.bindingKeys.isEmpty()) {
            throw new IllegalArgumentException("at least one binding key is required");
        }
    }

    /** A queue name unique to this process: {@code <prefix>.<random>}. */
    public static String queueName(final String prefix) {
        return prefix + "." + UUID.randomUUID().toString().substring(0, 13).replace("-", "");
    }

    /**
     * The connection factory of the flow (plain Spring AMQP, no Spring context): the topology is
     * declared on each connection it opens.
     */
    public static CachingConnectionFactory connectionFactory(final String host, final int port, final String username,
            final String password, final String virtualHost, final AmqpTopology topology) {
        final CachingConnectionFactory factory = new CachingConnectionFactory(host, port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setVirtualHost(virtualHost);
        factory.setConnectionTimeout(2000);
        factory.setConnectionNameStrategy(cf -> "events-fanout " + topology.queue);
        factory.addConnectionListener(topology);
        return factory;
    }

    @Override
    public void onCreate(final Connection connection) {
        try (Channel channel = connection.createChannel(false)) {
            declare(channel);
            LOG.info("events-fanout: queue {} bound to exchange {} with {}", queue, exchange, bindingKeys);
        } catch (IOException | TimeoutException | RuntimeException e) {
            LOG.warn("events-fanout: declaring queue {} on exchange {} failed: {}", queue, exchange, e.toString());
        }
    }

    /** Declares the exchange, the queue and its bindings on {@code channel}. */
    public void declare(final Channel channel) throws IOException {
        channel.exchangeDeclare(exchange, "topic", true, false, null);
        channel.queueDeclare(queue, false, true, true, null);
        for (final String key : bindingKeys) {
            channel.queueBind(queue, exchange, key);
        }
    }

    public String exchange() {
        return exchange;
    }

    public String queue() {
        return queue;
    }

    public List<String> bindingKeys() {
        return bindingKeys;
    }
}
