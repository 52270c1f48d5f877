package io.caravan.wsticket;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.caravan.common.LettuceResources;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.Delay;

/**
 * {@link TicketStore} on Redis through Lettuce, with no Spring: the same class serves the Spring
 * Boot gateway, Camel JBang and Camel K. One multiplexed, auto-reconnecting connection; commands
 * are rejected at once (not queued) while Redis is unreachable, and each has a timeout, so a Redis
 * outage turns into fast 503s and refused handshakes rather than piled-up requests. The connection
 * is opened lazily (a flow must start while Redis is down) and re-tried at most every
 * {@code retryMillis}.
 */
public final class LettuceTicketStore implements TicketStore, AutoCloseable {

    private String host = "127.0.0.1";
    private int port = 6379;
    private String password;
    private int database;
    private long timeoutMillis = 2000;
    private long retryMillis = 500;

    private final OutageLog outage;
    private RedisClient client;
    private volatile CompletableFuture<StatefulRedisConnection<String, String>> connection;
    private volatile long lastAttemptNanos;

    public LettuceTicketStore() {
        this(Clock.systemUTC());
    }

    public LettuceTicketStore(final Clock clock) {
        this.outage = new OutageLog(() -> "ws-ticket store (" + describe() + ")",
                "ws tickets are not issued (503) and every WebSocket handshake is refused until it is back", clock);
    }

    @Override
    public CompletionStage<Boolean> putIfAbsent(final String key, final String value, final Duration ttl) {
        return watched(connection().thenCompose(c -> c.async().set(key, value, SetArgs.Builder.nx().ex(ttl)))).thenApply("OK"::equals);
    }

    @Override
    public CompletionStage<String> getAndDelete(final String key) {
        return watched(connection().thenCompose(c -> c.async().getdel(key)));
    }

    /** A command's reply, with the outage state updated and any failure turned into {@link StoreUnavailableException}. */
    private <T> CompletionStage<T> watched(final CompletionStage<T> reply) {
        // Lettuce times out commands and connects itself; this bounds anything else too (the old blocking wait's limit)
        return reply.toCompletableFuture().orTimeout(timeoutMillis * 2, TimeUnit.MILLISECONDS).handle((value, error) -> {
            if (error != null) {
                final StoreUnavailableException unavailable = unavailable(error);
                outage.failed(unavailable);
                throw unavailable;
            }
            outage.succeeded();
            return value;
        });
    }

    @Override
    public boolean ping() {
        try {
            await(connection().thenCompose(c -> c.async().ping()));
            outage.succeeded();
            return true;
        } catch (StoreUnavailableException e) {
            outage.failed(e);
            return false;
        }
    }

    @Override
    public String describe() {
        return "redis://" + host + ":" + port + "/" + database;
    }

    /** Whether Lettuce records per-command latencies for this store's connection (never: see {@link #client()}). */
    synchronized boolean recordsCommandLatencies() {
        return client().getResources().commandLatencyRecorder().isEnabled();
    }

    /** The outage state (health, tests). */
    public OutageLog outage() {
        return outage;
    }

    @Override
    public synchronized void close() {
        final CompletableFuture<StatefulRedisConnection<String, String>> c = connection;
        connection = null;
        if (c != null && c.isDone() && !c.isCompletedExceptionally()) {
            c.join().close();
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            client.getResources().shutdown(0, 2, TimeUnit.SECONDS);
            client = null;
        }
    }

    private CompletableFuture<StatefulRedisConnection<String, String>> connection() {
        final CompletableFuture<StatefulRedisConnection<String, String>> current = connection;
        if (current != null && !current.isCompletedExceptionally()) {
            return current;
        }
        return reconnect();
    }

    private synchronized CompletableFuture<StatefulRedisConnection<String, String>> reconnect() {
        final CompletableFuture<StatefulRedisConnection<String, String>> current = connection;
        if (current != null && !current.isCompletedExceptionally()) {
            return current;
        }
        if (current != null && System.nanoTime() - lastAttemptNanos < TimeUnit.MILLISECONDS.toNanos(retryMillis)) {
            return current; // failed recently: fail fast instead of a connect attempt per request
        }
        lastAttemptNanos = System.nanoTime();
        final RedisURI.Builder uri = RedisURI.builder().withHost(host).withPort(port).withDatabase(database)
                .withTimeout(Duration.ofMillis(timeoutMillis));
        if (password != null && !password.isBlank()) {
            uri.withPassword(password.toCharArray());
        }
        connection = client().connectAsync(StringCodec.UTF8, uri.build()).toCompletableFuture();
        return connection;
    }

    private RedisClient client() {
        if (client == null) {
            // reconnect within a second of Redis coming back (Lettuce's default backs off to 30 s)
            client = RedisClient.create(LettuceResources.builder()
                    .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                    .ioThreadPoolSize(2).computationThreadPoolSize(2).build());
            client.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(timeoutMillis)).build())
                    .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(timeoutMillis)))
                    .build());
        }
        return client;
    }

    private <T> T await(final CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(timeoutMillis * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(e);
        }
    }

    private StoreUnavailableException unavailable(final Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof StoreUnavailableException s) {
            return s;
        }
        return new StoreUnavailableException("Redis at " + host + ":" + port + " unavailable: " + OutageLog.rootMessage(t), t);
    }

    public void setHost(final String host) {
        this.host = host;
    }

    public void setPort(final int port) {
        this.port = port;
    }

    public void setPassword(final String password) {
        this.password = password;
    }

    public void setDatabase(final int database) {
        this.database = database;
    }

    public void setTimeoutMillis(final long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    public void setRetryMillis(final long retryMillis) {
        this.retryMillis = retryMillis;
    }
}
