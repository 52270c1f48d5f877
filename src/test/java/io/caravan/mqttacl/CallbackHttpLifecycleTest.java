package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.caravan.common.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mqtt-acl-http component's lifecycle: one Vert.x per runtime (the registry's, never a private one
 * beside it), and a Camel context stopped and started again in one JVM leaves no thread and no
 * listening port behind.
 */
class CallbackHttpLifecycleTest {

    private final int port = FreePorts.next();
    private Vertx runtime;

    @AfterEach
    void closeRuntimeVertx() throws Exception {
        if (runtime != null) {
            runtime.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private CamelContext context(final Vertx registryVertx) throws Exception {
        final CamelContext camel = new DefaultCamelContext();
        bindBeans(camel, registryVertx);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-acl-http://127.0.0.1:" + port + "/acl").routeId("acl").setBody(constant("ok"));
                from("mqtt-acl-http://127.0.0.1:" + port + "/auth").routeId("auth").setBody(constant("ok"));
            }
        });
        return camel;
    }

    /** What a flow's YAML `beans:` do on each start (a stopped context's registry is cleared, Camel's own rule). */
    private static void bindBeans(final CamelContext camel, final Vertx registryVertx) {
        if (registryVertx != null) {
            camel.getRegistry().bind("vertx", registryVertx);
        }
        camel.getRegistry().bind("mqtt-acl-http", new CallbackHttpComponent());
    }

    private void answers() {
        final String request = "POST /acl HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx";
        final var r = RawHttp.send(port, request);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
    }

    private void portIsClosed() {
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
    }

    /** Live threads, except the JDK's common pool (CompletableFuture.get may start one) and Awaitility's poller. */
    private static Set<Thread> threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> !t.getName().startsWith("ForkJoinPool.commonPool") && !t.getName().startsWith("awaitility"))
                .collect(Collectors.toSet());
    }

    private static List<String> newThreads(final Set<Thread> before) {
        return threads().stream().filter(t -> !before.contains(t)).map(Thread::getName)
                .filter(name -> !camelsShutdownTask(name)).sorted().toList();
    }

    /**
     * Camel's shutdown-strategy thread: a DefaultCamelContext stopped, started again and closed keeps one
     * alive even with only a timer route (checked with camel-core 4.17.0): Camel's, not the component's.
     */
    private static boolean camelsShutdownTask(final String threadName) {
        return threadName.startsWith("Camel (") && threadName.endsWith(" - ShutdownTask");
    }

    private static long eventLoopThreads() {
        return threads().stream().filter(t -> t.getName().startsWith("vert.x-eventloop-thread")).count();
    }

    @Test
    void theRegistrysVertxServesTheCallbacksAndOutlivesTheContextTwice() throws Exception {
        runtime = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        final CompletableFuture<String> loop = new CompletableFuture<>();
        runtime.runOnContext(v -> loop.complete(Thread.currentThread().getName()));
        assertThat(loop.get(10, TimeUnit.SECONDS)).startsWith("vert.x-eventloop-thread");
        // the runtime's acceptor thread starts with its first server and lives as long as the runtime: not ours
        final HttpServer first = runtime.createHttpServer().requestHandler(r -> r.response().end());
        first.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        first.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        final long loopsBefore = eventLoopThreads();
        final Set<Thread> before = threads();

        final CamelContext camel = context(runtime);
        for (int cycle = 1; cycle <= 2; cycle++) {
            if (cycle > 1) {
                bindBeans(camel, runtime);
            }
            camel.start();
            answers();
            assertThat(eventLoopThreads()).as("event loops in cycle %d: the runtime's only, no private Vert.x", cycle)
                    .isEqualTo(loopsBefore);
            camel.stop();
            portIsClosed();
            await("no thread left after cycle " + cycle).atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(newThreads(before)).isEmpty());
        }
        camel.close();
        await("no thread left after close").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(newThreads(before)).isEmpty());
        final CompletableFuture<Void> stillOpen = new CompletableFuture<>();
        runtime.runOnContext(v -> stillOpen.complete(null));
        stillOpen.get(10, TimeUnit.SECONDS);
    }

    @Test
    void withoutARuntimeVertxTheComponentsOwnIsClosedWithIt() throws Exception {
        final Set<Thread> before = threads();
        final CamelContext camel = context(null);
        for (int cycle = 1; cycle <= 2; cycle++) {
            if (cycle > 1) {
                bindBeans(camel, null);
            }
            camel.start();
            answers();
            camel.stop();
            portIsClosed();
            await("no thread left after cycle " + cycle).atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(newThreads(before)).isEmpty());
        }
        camel.close();
        await("no thread left after close").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(newThreads(before)).isEmpty());
    }

    @Test
    void theEndpointOptionsAreDocumentedAndBound() throws Exception {
        final CamelContext camel = context(null);
        final CallbackHttpEndpoint endpoint = camel.getEndpoint(
                "mqtt-acl-http://127.0.0.1:" + port + "/x?httpMethodRestrict=POST,PUT", CallbackHttpEndpoint.class);
        assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");
        assertThat(endpoint.getPort()).isEqualTo(port);
        assertThat(endpoint.getPath()).isEqualTo("/x");
        assertThat(endpoint.getHttpMethodRestrict()).isEqualTo("POST,PUT");
        assertThat(CallbackHttpEndpoint.class.getAnnotation(org.apache.camel.spi.UriEndpoint.class).syntax())
                .isEqualTo("mqtt-acl-http:host:port/path");
        assertThatThrownBy(() -> camel.getEndpoint("mqtt-acl-http://127.0.0.1:" + port + "/x?nope=1"))
                .hasStackTraceContaining("nope");
        camel.close();
    }
}
