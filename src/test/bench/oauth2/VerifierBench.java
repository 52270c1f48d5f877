package io.caravan.oauth2;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

import com.nimbusds.jose.jwk.RSAKey;

/**
 * Verifier throughput with cached keys (a harness, not a test): run by run.sh.
 * Keys come from a real local HTTP provider (OidcStub); after the first token they are cached.
 * Mode "full": the verified-token cache is off, so every call is parse + RS256 signature check +
 * claim checks (what a token seen for the first time costs). Mode "repeat": the default cache is on
 * and the 64 tokens come back again and again (a client-credentials client reuses its token for its
 * lifetime), so after the first round every call is a cache hit with its expiry and key-set checks.
 *
 * Usage: VerifierBench <threads> <seconds> [full|repeat]
 */
public final class VerifierBench {

    public static void main(final String[] args) throws Exception {
        final int threads = Integer.parseInt(args[0]);
        final int seconds = Integer.parseInt(args[1]);
        final String mode = args.length > 2 ? args[2] : "full";
        if (!mode.equals("full") && !mode.equals("repeat")) {
            throw new IllegalArgumentException("mode must be full or repeat, got " + mode);
        }
        try (OidcStub oidc = new OidcStub()) {
            final String issuer = oidc.base() + "/caravan";
            oidc.serve("caravan", issuer);
            final RSAKey key = OidcStub.rsa("bench");
            oidc.publish(key);
            final TokenVerifier verifier = new TokenVerifier(OAuth2Settings.fromMap(Map.of("oauth2.issuers", "caravan",
                    "oauth2.issuer.caravan.uri", issuer, "oauth2.issuer.caravan.audience", "api://caravan",
                    "oauth2.verified-token-cache-size", mode.equals("full") ? "0" : "10000")));
            final List<String> tokens = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                tokens.add(OidcStub.sign(key, OidcStub.claims(issuer, Instant.now()).subject("client-" + i).build()));
            }
            run(verifier, tokens, threads, 5); // warm-up (JIT)
            final double[] r = run(verifier, tokens, threads, seconds);
            System.out.printf("verifier RS256-2048 cached keys, mode=%s: threads=%d seconds=%d validations/s(wall)=%.0f"
                    + " validations per CPU-second=%.0f cpu-busy=%.2f cores jwks-fetches=%d%n",
                    mode, threads, seconds, r[0], r[1], r[2], oidc.jwksRequests());
            verifier.close();
        }
    }

    /** @return {validations per wall second, validations per CPU second of the bench threads, CPU cores used} */
    private static double[] run(final TokenVerifier verifier, final List<String> tokens, final int threads, final int seconds)
            throws InterruptedException {
        final LongAdder done = new LongAdder();
        final LongAdder cpuNanos = new LongAdder();
        final java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        final long end = System.nanoTime() + seconds * 1_000_000_000L;
        final CountDownLatch finished = new CountDownLatch(threads);
        final long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            final int offset = t;
            new Thread(() -> {
                int i = offset;
                final long cpu0 = mx.getCurrentThreadCpuTime();
                try {
                    while (System.nanoTime() < end) {
                        verifier.verify(tokens.get(i++ & 63));
                        done.increment();
                    }
                } catch (TokenRejectedException e) {
                    throw new IllegalStateException("a valid token was rejected: " + e.getMessage(), e);
                } finally {
                    cpuNanos.add(mx.getCurrentThreadCpuTime() - cpu0);
                    finished.countDown();
                }
            }).start();
        }
        finished.await();
        final double wall = (System.nanoTime() - start) / 1e9;
        final double cpu = cpuNanos.sum() / 1e9;
        return new double[] {done.sum() / wall, done.sum() / cpu, cpu / wall};
    }
}
