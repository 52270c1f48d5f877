package io.caravan.mqttacl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * One Vert.x HTTP listener (host:port) of {@link CallbackHttpComponent}: reads each request's body
 * on the event loop, runs its consumer's exchange on a worker thread and writes the answer. With
 * {@code instances > 1} several servers share the port (Vert.x server sharing), each on its own event loop.
 */
final class CallbackHttpListener {

    private final Vertx vertx;
    private final String host;
    private final int port;
    private final int instances;
    private final int workers;
    private final int maxBodySize;
    private final Map<String, CallbackHttpConsumer> consumers = new ConcurrentHashMap<>();
    private final List<HttpServer> servers = new ArrayList<>();
    private WorkerExecutor executor;

    CallbackHttpListener(final Vertx vertx, final String host, final int port, final int instances, final int workers,
            final int maxBodySize) {
        this.vertx = vertx;
        this.host = host;
        this.port = port;
        this.instances = instances;
        this.workers = workers;
        this.maxBodySize = maxBodySize;
    }

    void start() throws Exception {
        executor = vertx.createSharedWorkerExecutor("mqtt-acl-http-" + port, workers);
        final HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port)
                .setTcpNoDelay(true).setHandle100ContinueAutomatically(true).setIdleTimeout(0);
        for (int i = 0; i < instances; i++) {
            final HttpServer server = vertx.createHttpServer(options).requestHandler(this::handle);
            servers.add(server);
            server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Closes the servers and the worker pool; safe after a failed or partial start. */
    void stop() throws Exception {
        for (final HttpServer server : servers) {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        servers.clear();
        if (executor != null) {
            executor.close();
            executor = null;
        }
    }

    void add(final String path, final CallbackHttpConsumer consumer) {
        if (consumers.putIfAbsent(path, consumer) != null) {
            throw new IllegalStateException("two routes consume " + host + ":" + port + path);
        }
    }

    /** @return true when no path is left */
    boolean remove(final String path) {
        consumers.remove(path);
        return consumers.isEmpty();
    }

    private void handle(final HttpServerRequest request) {
        final CallbackHttpConsumer consumer = consumers.get(request.path());
        if (consumer == null) {
            request.response().setStatusCode(404).end();
            return;
        }
        if (!consumer.allows(request.method().name())) {
            request.response().setStatusCode(405).putHeader(HttpHeaders.ALLOW, consumer.allowed()).end();
            return;
        }
        final long length = contentLength(request.getHeader(HttpHeaders.CONTENT_LENGTH));
        if (length > maxBodySize) {
            tooLarge(request);
            return;
        }
        final Buffer body = Buffer.buffer(length < 0 ? 256 : (int) length);
        request.handler(chunk -> {
            if (body.length() + chunk.length() > maxBodySize) {
                tooLarge(request);
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.endHandler(done -> {
            if (request.response().ended()) {
                return;
            }
            final String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
            final String method = request.method().name();
            final String path = request.path();
            executor.executeBlocking(() -> consumer.process(method, path, contentType, body.getBytes()), false)
                    .onComplete(result -> answer(request.response(), result.succeeded() ? result.result()
                            : CallbackHttpConsumer.Answer.ERROR));
        });
    }

    /** The declared length; -1 when absent (chunked), Long.MAX_VALUE when unreadable (Vert.x refuses those first). */
    private static long contentLength(final String header) {
        if (header == null) {
            return -1;
        }
        try {
            final long n = Long.parseLong(header.trim());
            return n < 0 ? Long.MAX_VALUE : n;
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void tooLarge(final HttpServerRequest request) {
        final HttpServerResponse response = request.response();
        if (!response.ended()) {
            response.setStatusCode(413).putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE).end();
            request.connection().close();
        }
    }

    private static void answer(final HttpServerResponse response, final CallbackHttpConsumer.Answer answer) {
        if (response.closed() || response.ended()) {
            return;
        }
        response.setStatusCode(answer.status());
        if (answer.contentType() != null) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, answer.contentType());
        }
        response.end(Buffer.buffer(answer.body()));
    }
}
