package io.caravan.firmwarepublish;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * A plain read-only HTTP server over a repository directory for the repository-level tests
 * (the gateway's own /apt route is tested in the route tests). Like the gateway, it resolves
 * {@code current} once per request through {@link AptFiles}.
 */
final class RepoHttpServer implements AutoCloseable {

    private final HttpServer server;

    RepoHttpServer(final Path repoRoot) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            try (exchange) {
                final Path snapshot = repoRoot.resolve("current").toRealPath();
                final Path file = AptFiles.resolve(snapshot, repoRoot, exchange.getRequestURI().getPath());
                if (file == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                final byte[] bytes = Files.readAllBytes(file);
                exchange.getResponseHeaders().add("Content-Type", AptFiles.contentType(file));
                if ("HEAD".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(200, -1);
                    return;
                }
                exchange.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
