package io.caravan.wsticket;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A platform-http engine for routes that never block. Where platform-http runs on camel-platform-http-vertx
 * ({@code camel run}), the endpoints that name this engine ({@code platformHttpEngine: "#bean:<this bean>"})
 * start their route on the Vert.x event loop that read the request, and the route completes asynchronously,
 * instead of Camel's usual hand-over of every request to a Vert.x worker thread that runs the route and waits
 * in it. Such a route must not block, since the event loop also serves every other connection it owns: its
 * slow steps must be asynchronous (a bean method that returns a {@code CompletionStage}, like
 * {@link WsTicketApi#issue}); {@code BearerTokenPolicy} checks a token it has no cached answer for on a worker
 * thread by itself. Vert.x logs a blocked-thread warning when a step holds the loop for more than 2 s.
 *
 * <p>Off ({@code enabled=false}), and for everything else, it is the runtime's own engine: any endpoint that
 * does not name it, a form or multipart request, a proxy or streaming endpoint, a suspended route, and any
 * runtime whose platform-http engine is not exactly camel-platform-http-vertx's class (the Spring Boot gateway's
 * is Spring MVC; a runtime's own subclass, such as Camel Quarkus may use, could find its Vert.x router
 * differently) get the runtime's own consumer. Camel K was not tried.
 */
public final class EventLoopHttpEngine extends ServiceSupport implements PlatformHttpEngine, CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoopHttpEngine.class);

    private CamelContext camelContext;
    private boolean enabled = true;
    private PlatformHttpEngine standard;

    @Override
    public PlatformHttpConsumer createConsumer(final PlatformHttpEndpoint endpoint, final Processor processor) {
        final PlatformHttpEngine engine = standard(endpoint.getComponent());
        // exactly camel-platform-http-vertx's engine (camel run): a runtime's own subclass may find its Vert.x router
        // differently, so it keeps its own consumer
        if (enabled && engine instanceof VertxPlatformHttpEngine vertx && engine.getClass() == VertxPlatformHttpEngine.class
                && endpoint.getPlatformHttpEngine() == this) {
            LOG.info("platform-http {} runs its route on the Vert.x event loop (asynchronously, no worker thread)", endpoint.getPath());
            return new EventLoopHttpConsumer(endpoint, processor, vertx.getHandlers(),
                    VertxPlatformHttpRouter.getRouterNameFromPort(vertx.getServerPort()));
        }
        return engine.createConsumer(endpoint, processor);
    }

    @Override
    public int getServerPort() {
        final PlatformHttpEngine engine = standard;
        return engine != null ? engine.getServerPort() : PlatformHttpEngine.super.getServerPort();
    }

    /**
     * The engine the component would use without this one: its own, the registry's {@code platform-http-engine}
     * (Spring Boot's), or, under camel run, the Vert.x one from the classpath, created once and shared with the
     * component.
     */
    synchronized PlatformHttpEngine standard(final PlatformHttpComponent component) {
        if (standard != null) {
            return standard;
        }
        PlatformHttpEngine engine = component.getEngine();
        if (engine == null || engine == this) {
            engine = camelContext.getRegistry().lookupByNameAndType(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME, PlatformHttpEngine.class);
        }
        if (engine == null || engine == this) {
            engine = camelContext.getCamelContextExtension().getFactoryFinder("META-INF/services/org/apache/camel/")
                    .newInstance(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME, PlatformHttpEngine.class)
                    .orElseThrow(() -> new IllegalStateException("no platform-http engine on the classpath"));
            CamelContextAware.trySetCamelContext(engine, camelContext);
            ServiceHelper.initService(engine); // binds it as platform-http-engine, where the component looks first
            if (component.getEngine() == null) {
                component.setEngine(engine); // one engine for every platform-http endpoint, as without this one
            }
        }
        standard = engine;
        return engine;
    }

    /** false: every endpoint gets the runtime's own consumer (the route on a worker thread). */
    public void setEnabled(final boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public void setCamelContext(final CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
