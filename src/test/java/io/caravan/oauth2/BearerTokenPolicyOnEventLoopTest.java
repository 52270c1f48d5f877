package io.caravan.oauth2;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.jwk.RSAKey;
import io.caravan.wsticket.EventLoopHttpEngine;
import io.caravan.wsticket.OneLoopPlatformHttp;
import io.vertx.core.Context;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The policy on a route that runs on the Vert.x event loop (ws-ticket's {@link EventLoopHttpEngine}): a token it
 * has not verified before, whose keys must be fetched from a slow provider, does not hold up the event loop.
 */
class BearerTokenPolicyOnEventLoopTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Map<String, String> threadAfterPolicy = new ConcurrentHashMap<>();
    private final CountDownLatch jwksGate = new CountDownLatch(1);
    private OidcStub oidc;
    private RSAKey key;
    private String issuer;
    private OneLoopPlatformHttp server;

    @BeforeEach
    void setUp() throws Exception {
        oidc = new OidcStub();
        issuer = oidc.base() + "/caravan";
        oidc.serve("caravan", issuer);
        key = OidcStub.rsa("k1");
        oidc.publish(key);
        server = new OneLoopPlatformHttp();
        final CamelContext context = server.context;
        BearerTokenPolicyTest.trustPolicyTestIssuer(context, issuer);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/guarded?platformHttpEngine=#loopEngine").routeId("guarded")
                        .policy(new BearerTokenPolicy("whoami"))
                        .process(e -> threadAfterPolicy.put(e.getMessage().getHeader(BearerTokenPolicy.HEADER_SUBJECT, String.class),
                                Context.isOnEventLoopThread() ? "event-loop" : Thread.currentThread().getName()))
                        .setBody(simple("${header.CaravanPrincipalSubject}"))
                        .end();
                from("platform-http:/ping?platformHttpEngine=#loopEngine").routeId("ping").setBody(constant("pong"));
            }
        });
        context.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        jwksGate.countDown();
        server.close();
        oidc.close();
    }

    private HttpRequest request(final String path, final String token) {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(server.uri(path))
                .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder.build();
    }

    private String token(final String subject) {
        return OidcStub.sign(key, OidcStub.claims(issuer, Instant.now()).subject(subject).claim("scp", "whoami").build());
    }

    @Test
    void aKeyFetchForANewTokenRunsOffTheEventLoopAndTheRouteGoesOnThere() throws Exception {
        oidc.holdJwks(jwksGate);
        final String alice = token("alice");
        final CompletableFuture<HttpResponse<String>> first = HTTP.sendAsync(request("/guarded", alice), HttpResponse.BodyHandlers.ofString());

        // the provider holds its key set; the one event loop still answers
        final long started = System.nanoTime();
        final HttpResponse<String> ping = HTTP.send(request("/ping", null), HttpResponse.BodyHandlers.ofString());
        assertThat(ping.body()).isEqualTo("pong");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(first).isNotDone();

        jwksGate.countDown();
        final HttpResponse<String> verified = first.get(15, TimeUnit.SECONDS);
        assertThat(verified.statusCode()).isEqualTo(200);
        assertThat(verified.body()).isEqualTo("alice");
        assertThat(threadAfterPolicy).containsEntry("alice", "event-loop");

        // the same token again: answered from the verifier's cache, no second fetch
        final int fetches = oidc.jwksRequests();
        assertThat(HTTP.send(request("/guarded", alice), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("alice");
        assertThat(oidc.jwksRequests()).isEqualTo(fetches);
    }

    @Test
    void refusalsOnTheEventLoopAreAnsweredAndStopTheRoute() throws Exception {
        final HttpResponse<String> none = HTTP.send(request("/guarded", null), HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));

        final HttpResponse<String> forged = HTTP.send(request("/guarded", token("mallory").replaceFirst("\\.[^.]+$", ".AAAA")),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).contains("invalid_token");

        final String noScope = OidcStub.sign(key, OidcStub.claims(issuer, Instant.now()).subject("bob").claim("scp", "other").build());
        assertThat(HTTP.send(request("/guarded", noScope), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        assertThat(threadAfterPolicy).isEmpty();
    }
}
