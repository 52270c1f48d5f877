package io.caravan.oauth2;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP OpenID provider for unit tests: JDK {@link HttpServer} on 127.0.0.1 serving, per issuer
 * path, {@code /<path>/.well-known/openid-configuration} and {@code /<path>/jwks}, counting every
 * request. Keys are generated locally; {@link #publish} rotates them; {@link #stop}/{@link #restart}
 * make a real outage (connection refused) on the same port.
 */
final class OidcStub implements AutoCloseable {

    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, String> issuerByPath = new ConcurrentHashMap<>();
    private final AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet());
    private final AtomicInteger total = new AtomicInteger();
    private volatile java.util.concurrent.CountDownLatch jwksGate;
    private HttpServer server;
    private int port;

    OidcStub() throws IOException {
        start(0);
    }

    private void start(final int wanted) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", wanted), 50);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
            final Thread t = new Thread(r, "oidc-stub");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        port = server.getAddress().getPort();
    }

    /** Serves discovery + JWKS under {@code /<path>} declaring issuer {@code issuer}. */
    OidcStub serve(final String path, final String issuer) {
        issuerByPath.put(path, issuer);
        return this;
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Replaces the served key set (public parts only). */
    void publish(final JWK... keys) {
        published.set(new JWKSet(List.of(keys)).toPublicJWKSet());
    }

    /** Key set requests wait (up to 10 s) until {@code gate} opens: a slow provider. */
    void holdJwks(final java.util.concurrent.CountDownLatch gate) {
        jwksGate = gate;
    }

    int jwksRequests() {
        return requests.entrySet().stream().filter(e -> e.getKey().endsWith("/jwks")).mapToInt(e -> e.getValue().get()).sum();
    }

    int discoveryRequests() {
        return requests.entrySet().stream().filter(e -> e.getKey().endsWith("/openid-configuration"))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    int totalRequests() {
        return total.get();
    }

    void stop() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    void restart() throws IOException {
        start(port);
    }

    @Override
    public void close() {
        stop();
    }

    private void handle(final HttpExchange exchange) throws IOException {
        total.incrementAndGet();
        final String path = exchange.getRequestURI().getPath();
        requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        String body = null;
        for (final Map.Entry<String, String> e : issuerByPath.entrySet()) {
            if (path.equals("/" + e.getKey() + "/.well-known/openid-configuration")) {
                body = JSONObjectUtils.toJSONString(Map.of("issuer", e.getValue(),
                        "jwks_uri", base() + "/" + e.getKey() + "/jwks",
                        "token_endpoint", base() + "/" + e.getKey() + "/token"));
            } else if (path.equals("/" + e.getKey() + "/jwks")) {
                awaitGate();
                body = published.get().toString();
            }
        }
        final byte[] bytes = (body == null ? "{}" : body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void awaitGate() {
        final java.util.concurrent.CountDownLatch gate = jwksGate;
        if (gate != null) {
            try {
                gate.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ keys and tokens

    static RSAKey rsa(final String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ec(final String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Claims of a valid token: iss, sub, azp, aud, scp, iat, nbf, exp (+1 h) relative to {@code now}. */
    static JWTClaimsSet.Builder claims(final String issuer, final Instant now) {
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject("client-a")
                .claim("azp", "client-a")
                .audience("api://caravan")
                .claim("scp", "whoami devices:read")
                .issueTime(java.util.Date.from(now))
                .notBeforeTime(java.util.Date.from(now))
                .expirationTime(java.util.Date.from(now.plusSeconds(3600)));
    }

    static String sign(final JWK key, final JWSAlgorithm alg, final JWTClaimsSet claims) {
        try {
            final JWSSigner signer = key instanceof RSAKey r ? new RSASSASigner(r) : new ECDSASigner((ECKey) key);
            final SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sign(final RSAKey key, final JWTClaimsSet claims) {
        return sign(key, JWSAlgorithm.RS256, claims);
    }
}
