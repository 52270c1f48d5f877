package io.caravan.eventsfanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The Vert.x sink against a real WebSocket server and client on loopback. */
class VertxFrameSinkTest {

    private Vertx vertx;
    private int routerPort;
    private int plainPort;
    private final BlockingQueue<ServerWebSocket> accepted = new LinkedBlockingQueue<>();
    private final BlockingQueue<Context> contexts = new LinkedBlockingQueue<>();
    private final BlockingQueue<Thread> threads = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        // as in the gateway: vertx-web's router upgrades the request (its ServerWebSocket wraps Vert.x's own)
        final Router router = Router.router(vertx);
        router.route("/ws").handler(ctx -> {
            contexts.add(Vertx.currentContext()); // as ws-ticket's pre-handler records it
            threads.add(Thread.currentThread());
            ctx.request().toWebSocket().onSuccess(accepted::add);
        });
        final HttpServer server = vertx.createHttpServer().requestHandler(router);
        routerPort = get(server.listen(0, "127.0.0.1")).actualPort();
        // and a server that hands out Vert.x's own ServerWebSocket
        plainPort = get(vertx.createHttpServer().webSocketHandler(ws -> {
            contexts.add(Vertx.currentContext());
            threads.add(Thread.currentThread());
            accepted.add(ws);
        }).listen(0, "127.0.0.1")).actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        get(vertx.close());
    }

    private static <T> T get(final Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private record Pair(ServerWebSocket server, Context context, Thread loop, List<String> received, WebSocket client, String extensions) {
        VertxFrameSink sink() {
            return new VertxFrameSink(server, task -> context.runOnContext(ignored -> task.run()), loop);
        }
    }

    private Pair connect(final String path, final boolean deflate) throws Exception {
        final List<String> received = new CopyOnWriteArrayList<>();
        final AtomicReference<String> extensions = new AtomicReference<>();
        final WebSocket client = get(vertx.createWebSocketClient(new WebSocketClientOptions().setTryUsePerMessageCompression(deflate))
                .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort("/plain".equals(path) ? plainPort : routerPort).setURI(path))
                .map(ws -> {
                    // the handshake response headers are only there in the first handler
                    extensions.set(ws.headers() == null ? null : ws.headers().get("sec-websocket-extensions"));
                    return ws;
                }));
        client.textMessageHandler(received::add);
        return new Pair(accepted.poll(10, TimeUnit.SECONDS), contexts.poll(10, TimeUnit.SECONDS), threads.poll(10, TimeUnit.SECONDS), received, client, extensions.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ws", "/plain"})
    void framesArriveWholeAndInOrder(final String path) throws Exception {
        final Pair p = connect(path, false);
        final VertxFrameSink sink = p.sink();
        assertThat(sink.executor()).isNotNull();
        final String large = "{\"big\":\"" + "é".repeat(40_000) + "\"}"; // 80,011 bytes: split at the frame size by Vert.x
        final List<String> frames = List.of("{\"n\":1}", "{\"n\":2,\"s\":\"" + "x".repeat(300) + "\"}", large, "{\"n\":\"ü\"}");
        final CountDownLatch written = new CountDownLatch(frames.size());
        for (final String f : frames) {
            sink.write(Frame.of(f), written::countDown, e -> { });
        }
        assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> p.received().size() == frames.size());
        assertThat(p.received()).containsExactlyElementsOf(frames);
    }

    @Test
    void aClientThatNegotiatedDeflateReadsThemToo() throws Exception {
        final Pair p = connect("/ws", true);
        assertThat(p.extensions()).contains("permessage-deflate");
        final VertxFrameSink sink = p.sink();
        for (int i = 1; i <= 3; i++) {
            sink.write(Frame.of("{\"a\":" + i + "}"), () -> { }, e -> { }); // compressed by Vert.x
        }
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> p.received().size() == 3);
        assertThat(p.received()).containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":3}");
    }

    @Test
    void aWriteOnTheLoopDoesNotOvertakeOneQueuedFromAnotherThread() throws Exception {
        final Pair p = connect("/ws", false);
        final VertxFrameSink sink = p.sink();
        final CountDownLatch onLoop = new CountDownLatch(1);
        final CountDownLatch queuedFromOutside = new CountDownLatch(1);
        sink.executor().execute(() -> {
            onLoop.countDown();
            try {
                queuedFromOutside.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sink.write(Frame.of("{\"n\":2}"), () -> { }, e -> { }); // on the loop, while n=1 waits in its queue
        });
        assertThat(onLoop.await(10, TimeUnit.SECONDS)).isTrue();
        sink.write(Frame.of("{\"n\":1}"), () -> { }, e -> { }); // from this thread: queued for the loop
        queuedFromOutside.countDown();
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> p.received().size() == 2);
        assertThat(p.received()).containsExactly("{\"n\":1}", "{\"n\":2}");
    }

    @Test
    void aWriteAfterCloseFailsAndNothingFollowsTheCloseFrame() throws Exception {
        final Pair p = connect("/ws", false);
        final CompletableFuture<Short> closed = new CompletableFuture<>();
        p.client().closeHandler(v -> closed.complete(p.client().closeStatusCode()));
        final VertxFrameSink sink = p.sink();
        sink.close((short) 1013, "slow");
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CountDownLatch done = new CountDownLatch(1);
        sink.write(Frame.of("{\"late\":true}"), done::countDown, e -> {
            failure.set(e);
            done.countDown();
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(failure.get()).isNotNull();
        assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo((short) 1013);
        assertThat(p.received()).isEmpty();
        assertThat(sink.isClosed()).isTrue();
    }

    @Test
    void withoutItsContextVertxMovesTheWritesToTheLoopInOrder() throws Exception {
        final Pair p = connect("/ws", false);
        final VertxFrameSink sink = new VertxFrameSink(p.server(), null, null);
        assertThat(sink.executor()).isNull();
        final CountDownLatch written = new CountDownLatch(2);
        sink.write(Frame.of("{\"n\":1}"), written::countDown, e -> { });
        sink.write(Frame.of("{\"n\":2}"), written::countDown, e -> { });
        assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> p.received().size() == 2);
        assertThat(p.received()).containsExactly("{\"n\":1}", "{\"n\":2}");
    }
}
