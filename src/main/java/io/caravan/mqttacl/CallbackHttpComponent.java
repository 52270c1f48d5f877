package io.caravan.mqttacl;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * A lean HTTP consumer for Mosquitto's callbacks: {@code mqtt-acl-http://host:port/path}. One
 * Vert.x HTTP listener per host:port serves every route on it by exact path; each request becomes
 * one Camel exchange (body {@code byte[]}, header {@code Content-Type}; request headers such as
 * {@code Authorization} are not copied) processed on a worker thread, so a Redis round trip or a
 * superuser's slow hash never blocks the event loop. The answer is {@code CamelHttpResponseCode},
 * {@code Content-Type} and the body. Unknown path 404, other methods 405, a body above
 * {@code maxBodySize} 413.
 * <p>
 * It replaces camel-jetty on the internal callback port: camel-jetty's servlet stack, header
 * mapping, consumer resolution and continuation cost ~250 µs of CPU per callback (see
 * src/test/bench/mqtt-acl/RESULTS.md). Plain Java on Vert.x (which Camel Quarkus, the gateway and
 * Camel JBang all carry); registered as a YAML bean named {@code mqtt-acl-http}, which Camel finds
 * as the component of that scheme.
 */
public final class CallbackHttpComponent extends DefaultComponent {

    private int eventLoops = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int workerPoolSize = 16;
    private int maxBodySize = 1024 * 1024;

    private final Map<String, CallbackHttpListener> listeners = new HashMap<>();
    private Vertx vertx;

    @Override
    protected Endpoint createEndpoint(final String uri, final String remaining, final Map<String, Object> parameters)
            throws Exception {
        final String address = remaining.startsWith("//") ? remaining.substring(2) : remaining;
        final int slash = address.indexOf('/');
        final String hostPort = slash < 0 ? address : address.substring(0, slash);
        final String path = slash < 0 ? "/" : address.substring(slash);
        final int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("mqtt-acl-http needs //host:port/path, got " + uri);
        }
        final String methods = getAndRemoveParameter(parameters, "httpMethodRestrict", String.class, "POST");
        final CallbackHttpEndpoint endpoint = new CallbackHttpEndpoint(uri, this, hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1)), path, methods);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** Adds a consumer's path to the listener of its host:port, starting the listener first if needed. */
    synchronized void register(final CallbackHttpEndpoint endpoint, final CallbackHttpConsumer consumer) throws Exception {
        if (vertx == null) {
            vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setWorkerPoolSize(1));
        }
        final String key = endpoint.host() + ":" + endpoint.port();
        CallbackHttpListener listener = listeners.get(key);
        if (listener == null) {
            listener = new CallbackHttpListener(vertx, endpoint.host(), endpoint.port(), workerPoolSize, maxBodySize);
            listener.start();
            listeners.put(key, listener);
        }
        listener.add(endpoint.path(), consumer);
    }

    /** Removes a consumer's path; the last one on a host:port closes its listener. */
    synchronized void unregister(final CallbackHttpEndpoint endpoint) throws Exception {
        final String key = endpoint.host() + ":" + endpoint.port();
        final CallbackHttpListener listener = listeners.get(key);
        if (listener != null && listener.remove(endpoint.path())) {
            listeners.remove(key);
            listener.stop();
        }
    }

    @Override
    protected synchronized void doStop() throws Exception {
        for (final CallbackHttpListener listener : listeners.values()) {
            listener.stop();
        }
        listeners.clear();
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx = null;
        }
        super.doStop();
    }

    public int getEventLoops() {
        return eventLoops;
    }

    /** Vert.x event loops that parse requests and write answers (default: one per CPU). */
    public void setEventLoops(final int eventLoops) {
        if (eventLoops < 1) {
            throw new IllegalArgumentException("eventLoops must be at least 1");
        }
        this.eventLoops = eventLoops;
    }

    public int getWorkerPoolSize() {
        return workerPoolSize;
    }

    /** Threads that run the exchanges (a Redis read on a cache miss blocks one of them). */
    public void setWorkerPoolSize(final int workerPoolSize) {
        if (workerPoolSize < 1) {
            throw new IllegalArgumentException("workerPoolSize must be at least 1");
        }
        this.workerPoolSize = workerPoolSize;
    }

    public int getMaxBodySize() {
        return maxBodySize;
    }

    /** Larger request bodies are answered 413 without reaching the route. */
    public void setMaxBodySize(final int maxBodySize) {
        if (maxBodySize < 1) {
            throw new IllegalArgumentException("maxBodySize must be at least 1");
        }
        this.maxBodySize = maxBodySize;
    }
}
