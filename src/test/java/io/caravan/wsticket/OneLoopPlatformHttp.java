package io.caravan.wsticket;

import java.net.URI;
import java.util.concurrent.TimeUnit;

import io.caravan.common.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * A Camel context with platform-http on a real Vert.x server on 127.0.0.1 with one event loop, as {@code camel run}
 * serves it but in-process, and an {@link EventLoopHttpEngine} bound as {@code loopEngine}
 * ({@code platform-http:/path?platformHttpEngine=#loopEngine}). Add routes and properties, then start the context.
 */
public final class OneLoopPlatformHttp implements AutoCloseable {

    public final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    public final CamelContext context = new DefaultCamelContext();
    public final EventLoopHttpEngine engine = new EventLoopHttpEngine();
    public final int port = FreePorts.next();

    public OneLoopPlatformHttp() throws Exception {
        context.getRegistry().bind("vertx", vertx); // the server adopts the registry's only Vertx
        context.getRegistry().bind("loopEngine", engine);
        final VertxPlatformHttpServerConfiguration conf = new VertxPlatformHttpServerConfiguration();
        conf.setBindHost("127.0.0.1");
        conf.setBindPort(port);
        context.addService(new VertxPlatformHttpServer(conf));
    }

    public URI uri(final String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Override
    public void close() throws Exception {
        context.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
