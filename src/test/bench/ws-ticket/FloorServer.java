import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * The floor of the ws-ticket benchmark: what this machine can do at all with the same load
 * client, when the server does the least a ticket exchange needs. Plain Vert.x on one event loop
 * per processor, no Camel, no bearer-token check, no Redis: POST /api/ws-tickets answers 201 with
 * a fresh 256-bit ticket kept in an in-memory set; GET /ws/events?ticket= removes it (single use)
 * and upgrades, or answers 401. Run by run.sh with RUNTIME=floor; not part of the product.
 *
 *   java -cp <classpath> FloorServer.java <http port> <ws port>
 */
public final class FloorServer {

    public static void main(final String[] args) throws Exception {
        final int httpPort = Integer.parseInt(args[0]);
        final int wsPort = Integer.parseInt(args[1]);
        final Set<String> issued = ConcurrentHashMap.newKeySet();
        final SecureRandom random = new SecureRandom();
        final Vertx vertx = Vertx.vertx();
        vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start() {
                vertx.createHttpServer().requestHandler(request -> {
                    final byte[] bytes = new byte[32];
                    random.nextBytes(bytes);
                    final String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
                    issued.add(ticket);
                    request.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                            .end("{\"ticket\":\"" + ticket + "\",\"expiresAt\":\"-\",\"url\":\"ws://127.0.0.1:" + wsPort + "/ws/events\"}");
                }).listen(httpPort, "127.0.0.1");
                vertx.createHttpServer().requestHandler((HttpServerRequest request) -> {
                    final String ticket = request.getParam("ticket");
                    if (ticket == null || !issued.remove(ticket)) {
                        request.response().setStatusCode(401).putHeader("Connection", "close").end();
                        return;
                    }
                    request.toWebSocket().onSuccess(socket -> socket.closeHandler(v -> { }));
                }).listen(wsPort, "127.0.0.1");
            }
        }, new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors())).toCompletionStage().toCompletableFuture().get();
        System.out.println("floor server listening on " + httpPort + " and " + wsPort);
        Thread.currentThread().join();
    }
}
