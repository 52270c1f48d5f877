package io.caravan.mqttacl;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.camel.Endpoint;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Camel component of Mosquitto's HTTP auth callbacks: {@code mqtt-acl-http://host:port/path}
 * (options: {@link CallbackHttpEndpoint}). One Vert.x HTTP listener per host:port serves every route
 * on it by exact path; each request becomes one exchange (body {@code byte[]}, headers
 * {@code Content-Type}, {@code CamelHttpMethod}, {@code CamelHttpUri}; no other request header, so
 * {@code Authorization} never lands in a message), run on a worker thread so that a Redis read or a
 * superuser's slow hash never blocks an event loop. The answer is {@code CamelHttpResponseCode}
 * (default 200), {@code Content-Type} and the body. Unknown path 404, other methods 405 with
 * {@code Allow}, a body above {@code maxBodySize} 413, a failed exchange 500 with an empty body.
 * <p>
 * Why a component of its own and not camel-jetty or platform-http: the callbacks need a listener of
 * their own (internal port, never the public API's), and camel-jetty's servlet stack costs several
 * times the CPU per callback (src/test/bench/mqtt-acl/RESULTS.md); platform-http has one listener per
 * runtime, the public one.
 * <p>
 * Vert.x: the runtime's own. The {@code vertx} option if set; else the registry's only {@link Vertx}
 * (the gateway's, Camel Quarkus's); else the Vert.x of platform-http's router (camel-main, Camel JBang).
 * Only when none exists does the component create one, and it closes that one when it stops. Listeners
 * and worker pools live from the first consumer of a host:port to the last one's stop.
 * Public Camel SPI only ({@link DefaultComponent}); registered as the YAML bean {@code mqtt-acl-http}.
 */
@Component("mqtt-acl-http")
public final class CallbackHttpComponent extends DefaultComponent {

    private static final Logger LOG = LoggerFactory.getLogger(CallbackHttpComponent.class);

    @Metadata(description = "The Vert.x the listeners run on (default: the runtime's own, see the class comment)",
            autowired = true)
    private Vertx vertx;
    @Metadata(defaultValue = "1", description = "HTTP server instances per host:port, each on its own event loop of"
            + " the Vert.x (Vert.x spreads the connections over them)")
    private int eventLoops = 1;
    @Metadata(defaultValue = "16", description = "Worker threads per host:port that run the exchanges")
    private int workerPoolSize = 16;
    @Metadata(defaultValue = "1048576", description = "Larger request bodies are answered 413 without reaching the route")
    private int maxBodySize = 1024 * 1024;

    private final Map<String, CallbackHttpListener> listeners = new HashMap<>();
    /** The Vert.x in use while a listener runs; created here only when the runtime has none. */
    private Vertx active;
    private boolean ownsActive;

    @Override
    protected Endpoint createEndpoint(final String uri, final String remaining, final Map<String, Object> parameters)
            throws Exception {
        final String address = remaining.startsWith("//") ? remaining.substring(2) : remaining;
        final int slash = address.indexOf('/');
        final String hostPort = slash < 0 ? address : address.substring(0, slash);
        final int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("mqtt-acl-http needs //host:port/path, got " + uri);
        }
        final CallbackHttpEndpoint endpoint = new CallbackHttpEndpoint(uri, this);
        endpoint.setHost(hostPort.substring(0, colon));
        endpoint.setPort(Integer.parseInt(hostPort.substring(colon + 1)));
        endpoint.setPath(slash < 0 ? "/" : address.substring(slash));
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** Adds a consumer's path to the listener of its host:port, starting the listener first if needed. */
    synchronized void register(final CallbackHttpEndpoint endpoint, final CallbackHttpConsumer consumer) throws Exception {
        final String key = endpoint.getHost() + ":" + endpoint.getPort();
        CallbackHttpListener listener = listeners.get(key);
        if (listener == null) {
            listener = new CallbackHttpListener(vertxInUse(), endpoint.getHost(), endpoint.getPort(), eventLoops,
                    workerPoolSize, maxBodySize);
            try {
                listener.start();
            } catch (Exception e) {
                listener.stop();
                throw e;
            }
            listeners.put(key, listener);
        }
        listener.add(endpoint.getPath(), consumer);
    }

    /** Removes a consumer's path; the last one on a host:port closes its listener. */
    synchronized void unregister(final CallbackHttpEndpoint endpoint) throws Exception {
        final String key = endpoint.getHost() + ":" + endpoint.getPort();
        final CallbackHttpListener listener = listeners.get(key);
        if (listener != null && listener.remove(endpoint.getPath())) {
            listeners.remove(key);
            listener.stop();
        }
    }

    private Vertx vertxInUse() {
        if (active == null) {
            String whose = "the vertx option's";
            active = vertx;
            if (active == null) {
                whose = "the registry's";
                active = getCamelContext().getRegistry().findSingleByType(Vertx.class);
            }
            if (active == null) {
                whose = "platform-http's";
                final VertxPlatformHttpRouter router = getCamelContext().getRegistry()
                        .findSingleByType(VertxPlatformHttpRouter.class);
                active = router == null ? null : router.vertx();
            }
            if (active == null) {
                whose = "its own (no Vert.x in the registry; closed when the component stops)";
                active = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setWorkerPoolSize(1));
                ownsActive = true;
            }
            LOG.info("mqtt-acl-http runs on {} Vert.x", whose);
        }
        return active;
    }

    @Override
    protected synchronized void doStop() throws Exception {
        for (final CallbackHttpListener listener : listeners.values()) {
            listener.stop();
        }
        listeners.clear();
        if (ownsActive) {
            active.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        active = null;
        ownsActive = false;
        super.doStop();
    }

    public Vertx getVertx() {
        return vertx;
    }

    /** The Vert.x to run on (not closed by the component); unset = the runtime's own. */
    public void setVertx(final Vertx vertx) {
        this.vertx = vertx;
    }

    public int getEventLoops() {
        return eventLoops;
    }

    /** HTTP server instances per host:port, each on its own event loop (default 1). */
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
