package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Context;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EventLoopHttpEngine} on a real Vert.x platform-http server (one event loop, as under camel run but
 * in-process): which thread runs the route, asynchronous completion, errors, and what stays on Camel's path.
 */
class EventLoopHttpEngineTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** route id → "event-loop" or the thread name that ran its first step */
    private final Map<String, String> firstStepThread = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private OneLoopPlatformHttp server;
    private CamelContext context;

    private void start(final boolean enabled) throws Exception {
        server = new OneLoopPlatformHttp();
        server.engine.setEnabled(enabled);
        context = server.context;
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/async?platformHttpEngine=#loopEngine").routeId("async")
                        .process(e -> record(e))
                        .bean(EventLoopHttpEngineTest.this, "later")
                        .setHeader("X-Step", constant("after the stage"));
                from("platform-http:/quick?platformHttpEngine=#loopEngine").routeId("quick")
                        .process(e -> record(e))
                        .setBody(constant("quick"));
                from("platform-http:/plain").routeId("plain")
                        .process(e -> record(e))
                        .setBody(constant("plain"));
                from("platform-http:/unavailable?platformHttpEngine=#loopEngine").routeId("unavailable")
                        .onException(StoreUnavailableException.class).handled(true)
                            .removeHeaders("*")
                            .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(503))
                            .setHeader(Exchange.CONTENT_TYPE, constant("application/problem+json"))
                            .setBody(constant("{\"status\":503}"))
                        .end()
                        .bean(EventLoopHttpEngineTest.this, "storeDown");
                from("platform-http:/boom?platformHttpEngine=#loopEngine").routeId("boom")
                        .bean(EventLoopHttpEngineTest.this, "failsLater");
                from("platform-http:/boom-standard").routeId("boom-standard")
                        .bean(EventLoopHttpEngineTest.this, "failsLater");
                from("platform-http:/form?platformHttpEngine=#loopEngine").routeId("form")
                        .process(e -> record(e))
                        .setBody(simple("a=${header.a}"));
            }
        });
        context.start();
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        if (server != null) {
            // every exchange was completed and released, whatever its outcome
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> context.getInflightRepository().size() == 0);
            server.close();
        }
    }

    private void record(final Exchange exchange) {
        firstStepThread.put(exchange.getFromRouteId(), Context.isOnEventLoopThread() ? "event-loop" : Thread.currentThread().getName());
    }

    /** Completes on another thread once {@link #release} opens, as Lettuce's reply does. */
    public CompletionStage<String> later() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "done later";
        });
    }

    public CompletionStage<String> storeDown() {
        return CompletableFuture.supplyAsync(() -> {
            throw new StoreUnavailableException("Redis at 127.0.0.1:1 unavailable: refused", null);
        });
    }

    public CompletionStage<String> failsLater() {
        return CompletableFuture.supplyAsync(() -> {
            throw new IllegalStateException("internal detail");
        });
    }

    private HttpResponse<String> post(final String path, final String contentType, final String body) throws Exception {
        return HTTP.send(request(path, contentType, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(final String path, final String contentType, final String body) {
        return HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    void anOptedInRouteStartsOnTheEventLoopAndRepliesWhenItsStageCompletes() throws Exception {
        start(true);
        final CompletableFuture<HttpResponse<String>> pending = HTTP.sendAsync(request("/async", "text/plain", ""),
                HttpResponse.BodyHandlers.ofString());

        // while that request waits for its stage, the one event loop serves others
        final HttpResponse<String> quick = post("/quick", "text/plain", "");
        assertThat(quick.statusCode()).isEqualTo(200);
        assertThat(quick.body()).isEqualTo("quick");
        assertThat(pending).isNotDone();

        release.countDown();
        final HttpResponse<String> done = pending.get(10, TimeUnit.SECONDS);
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).isEqualTo("done later");
        assertThat(done.headers().firstValue("X-Step")).hasValue("after the stage");
        assertThat(firstStepThread).containsEntry("async", "event-loop").containsEntry("quick", "event-loop");
    }

    @Test
    void otherEndpointsAndFormsKeepCamelsWorkerThread() throws Exception {
        start(true);
        assertThat(post("/plain", "text/plain", "").body()).isEqualTo("plain");
        final HttpResponse<String> form = post("/form", "application/x-www-form-urlencoded", "a=1");
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).isEqualTo("a=1");
        assertThat(firstStepThread.get("plain")).startsWith("vert.x-worker-thread");
        assertThat(firstStepThread.get("form")).startsWith("vert.x-worker-thread");
    }

    @Test
    void switchedOffEveryRouteRunsOnAWorkerThread() throws Exception {
        start(false);
        release.countDown();
        final HttpResponse<String> done = post("/async", "text/plain", "");
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).isEqualTo("done later");
        assertThat(firstStepThread.get("async")).startsWith("vert.x-worker-thread");
    }

    @Test
    void aFailedStageReachesTheRoutesErrorHandlingAndAnUnhandledOneIs500() throws Exception {
        start(true);
        final HttpResponse<String> unavailable = post("/unavailable", "text/plain", "");
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(unavailable.body()).isEqualTo("{\"status\":503}");

        final HttpResponse<String> boom = post("/boom", "text/plain", "");
        assertThat(boom.statusCode()).isEqualTo(500);
        final HttpResponse<String> camels = post("/boom-standard", "text/plain", "");
        assertThat(boom.body()).as("the same reply as Camel's own consumer gives").isEqualTo(camels.body());
        assertThat(boom.headers().firstValue("Content-Type")).isEqualTo(camels.headers().firstValue("Content-Type"));
        assertThat(camels.statusCode()).isEqualTo(500);

        // the event loop is still fine afterwards
        assertThat(post("/quick", "text/plain", "").body()).isEqualTo("quick");
    }
}
