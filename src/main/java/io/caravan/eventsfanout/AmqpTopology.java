package io.caravan.eventsfanout;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * This instance's place on the {@code caravan.events} topic exchange and how to reach RabbitMQ:
 * one exclusive, auto-delete, non-durable queue named per process, bound with the configured keys.
 * Plain values only (no AMQP types), so that Camel JBang can build it from YAML before it has
 * downloaded the spring-rabbitmq component; {@link RabbitConnections} turns it into a connection
 * factory that declares this topology on every new connection.
 */
public final class AmqpTopology {

    private String host = "127.0.0.1";
    private int port = 5672;
    private String username = "guest";
    private String password = "guest";
    private String virtualHost = "/";
    private String exchange = "caravan.events";
    private String queue;
    private List<String> bindingKeys = List.of("users.#", "devices.#", "broadcast.#");

    /** A queue name unique to this process: {@code <prefix>.<random>}. */
    public static String queueName(final String prefix) {
        return prefix + "." + UUID.randomUUID().toString().substring(0, 13).replace("-", "");
    }

    public String getHost() {
        return host;
    }

    public void setHost(final String host) {
        this.host = host;
    }

    public int getPort() {
        return port;
    }

    public void setPort(final int port) {
        this.port = port;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(final String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(final String password) {
        this.password = password;
    }

    public String getVirtualHost() {
        return virtualHost;
    }

    public void setVirtualHost(final String virtualHost) {
        this.virtualHost = virtualHost;
    }

    public String getExchange() {
        return exchange;
    }

    public void setExchange(final String exchange) {
        this.exchange = exchange;
    }

    public String getQueue() {
        return queue;
    }

    public void setQueue(final String queue) {
        this.queue = queue;
    }

    public List<String> getBindingKeys() {
        return bindingKeys;
    }

    /** Comma-separated binding keys, e.g. {@code users.#,devices.#,broadcast.#}. */
    public void setBindingKeys(final String bindingKeys) {
        final List<String> keys = Arrays.stream(bindingKeys.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one binding key is required");
        }
        this.bindingKeys = keys;
    }

    @Override
    public String toString() {
        return "queue " + queue + " on " + exchange + " " + bindingKeys + " at " + host + ":" + port;
    }
}
