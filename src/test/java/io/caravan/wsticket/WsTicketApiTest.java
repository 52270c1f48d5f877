package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.caravan.common.RealBrokers;
import io.caravan.common.RealBrokersExtension;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Where {@link WsTicketApi#issue} lets the route continue, against real Redis: the event loop it was called on, or the caller's thread. */
@ExtendWith(RealBrokersExtension.class)
class WsTicketApiTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private Vertx vertx;
    private LettuceTicketStore store;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        store = new LettuceTicketStore();
        store.setPort(RealBrokers.get().redisPort());
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        camel.close();
    }

    private Exchange request() {
        final Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(WsTicketApi.SUBJECT_HEADER, "alice");
        return exchange;
    }

    /** Calls issue on an event loop; completes with the thread the stage completed on ("event-loop:<name>" or the name). */
    private CompletableFuture<String> issueOnEventLoop(final WsTicketApi api) {
        final CompletableFuture<String> where = new CompletableFuture<>();
        vertx.runOnContext(ignored -> {
            final String loop = Thread.currentThread().getName();
            final CompletionStage<String> body = api.issue(request());
            body.whenComplete((json, error) -> where.complete((Context.isOnEventLoopThread() ? "event-loop:" : "")
                    + Thread.currentThread().getName() + (loop.equals(Thread.currentThread().getName()) ? " (caller)" : "")
                    + (error != null ? " failed:" + error.getClass().getSimpleName() : "")));
        });
        return where;
    }

    @Test
    void onAnEventLoopTheRouteGoesOnOnThatLoopOnceRedisHasAnswered() throws Exception {
        final WsTicketApi api = new WsTicketApi(new TicketService(store));
        assertThat(issueOnEventLoop(api).get(10, TimeUnit.SECONDS)).startsWith("event-loop:vert.x-eventloop-thread").endsWith(" (caller)");
    }

    @Test
    void elsewhereItWaitsForRedisAndTheRouteGoesOnOnTheCallersThread() {
        final WsTicketApi api = new WsTicketApi(new TicketService(store));
        final CompletionStage<String> body = api.issue(request());
        assertThat(body.toCompletableFuture()).isDone();
        assertThat(body.toCompletableFuture().join()).contains("\"ticket\"");
    }

    @Test
    void redisDownIsAStoreUnavailableExceptionItselfOnBothPaths() throws Exception {
        final LettuceTicketStore nowhere = new LettuceTicketStore();
        nowhere.setPort(1); // loopback port 1 refuses at once
        nowhere.setTimeoutMillis(500);
        try {
            final WsTicketApi api = new WsTicketApi(new TicketService(nowhere));
            assertThatThrownBy(() -> api.issue(request())).isInstanceOf(StoreUnavailableException.class);
            assertThat(issueOnEventLoop(api).get(10, TimeUnit.SECONDS)).startsWith("event-loop:").endsWith("failed:StoreUnavailableException");
        } finally {
            nowhere.close();
        }
    }
}
