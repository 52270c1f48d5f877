import java.lang.management.*;
import java.time.Instant;
import java.util.*;
import com.nimbusds.jose.*;
import com.nimbusds.jose.crypto.*;
import com.nimbusds.jose.jwk.*;
import com.nimbusds.jose.jwk.gen.*;
import com.nimbusds.jwt.*;
/** CPU cost per step of one token check with nimbus alone (no Caravan code): java -cp <test classpath> CostBreakdown.java */
public class CostBreakdown {
  interface Op { void run() throws Exception; }
  static void measure(String name, Op op) throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (int r = 0; r < 2; r++) {
      long c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime(); long n = 0;
      while (System.nanoTime() - t0 < 4_000_000_000L) { op.run(); n++; }
      double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
      if (r == 1) System.out.printf("%-40s %8.1f us CPU/op%n", name, cpu * 1e6 / n);
    }
  }
  public static void main(String[] a) throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("http://127.0.0.1:9080/caravan").subject("caravan-reader").claim("azp","caravan-reader").audience("api://caravan").claim("scp","whoami").issueTime(new Date()).notBeforeTime(new Date()).expirationTime(new Date(System.currentTimeMillis()+3600_000)).jwtID(UUID.randomUUID().toString()).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(new RSASSASigner(key));
    String token = jwt.serialize();
    RSASSAVerifier v = new RSASSAVerifier(key.toPublicJWK());
    JWKSet set = new JWKSet(key.toPublicJWK());
    measure("SignedJWT.parse", () -> SignedJWT.parse(token));
    measure("parse + getJWTClaimsSet", () -> SignedJWT.parse(token).getJWTClaimsSet());
    SignedJWT parsed = SignedJWT.parse(token);
    measure("verify (RSASSAVerifier, parsed once)", () -> { if (!parsed.verify(v)) throw new Error(); });
    measure("select key (JWKMatcher.forJWSHeader)", () -> new JWKSelector(JWKMatcher.forJWSHeader(parsed.getHeader())).select(set));
    Map<JWK,Object> m = new java.util.concurrent.ConcurrentHashMap<>(); JWK pub = set.getKeys().get(0); m.put(pub, v);
    measure("verifier map lookup (JWK equals/hash)", () -> m.get(pub));
    measure("full: parse+claims+verify", () -> { SignedJWT j = SignedJWT.parse(token); j.getJWTClaimsSet(); if (!j.verify(v)) throw new Error(); });
  }
}
