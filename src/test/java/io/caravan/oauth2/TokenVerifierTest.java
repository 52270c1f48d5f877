package io.caravan.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The verifier against a real local HTTP provider (discovery + JWKS) with locally generated keys. */
class TokenVerifierTest {

    private final Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final MutableClock clock = new MutableClock(start);
    private OidcStub oidc;
    private String issuer;
    private RSAKey k1;
    private TokenVerifier verifier;

    @BeforeEach
    void setUp() throws Exception {
        oidc = new OidcStub();
        issuer = oidc.base() + "/caravan";
        oidc.serve("caravan", issuer);
        k1 = OidcStub.rsa("k1");
        oidc.publish(k1);
    }

    @AfterEach
    void tearDown() {
        if (verifier != null) {
            verifier.close();
        }
        oidc.close();
    }

    private Map<String, String> props() {
        final Map<String, String> p = new HashMap<>();
        p.put("oauth2.issuers", "caravan");
        p.put("oauth2.issuer.caravan.uri", issuer);
        p.put("oauth2.issuer.caravan.audience", "api://caravan");
        p.put("oauth2.issuer.caravan.jwks-ttl", "PT10M");
        p.put("oauth2.issuer.caravan.refresh-ahead", "PT1M");
        p.put("oauth2.issuer.caravan.outage-window", "PT5M");
        return p;
    }

    private TokenVerifier verifier(final Map<String, String> props) {
        verifier = new TokenVerifier(OAuth2Settings.fromMap(props), clock);
        return verifier;
    }

    private TokenVerifier verifier() {
        return verifier(props());
    }

    private JWTClaimsSet.Builder claims() {
        return OidcStub.claims(issuer, clock.instant());
    }

    private String valid() {
        return OidcStub.sign(k1, claims().build());
    }

    private void assertRejected(final String token, final String description) {
        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOf(TokenRejectedException.class)
                .hasMessage(description);
    }

    // ------------------------------------------------------------------ accepted

    @Test
    void validTokenYieldsThePrincipal() throws Exception {
        final VerifiedPrincipal p = verifier().verify(valid());
        assertThat(p.subject()).isEqualTo("client-a");
        assertThat(p.clientId()).isEqualTo("client-a");
        assertThat(p.issuer()).isEqualTo(issuer);
        assertThat(p.tenant()).isNull();
        assertThat(p.scopes()).containsExactly("devices:read", "whoami");
        assertThat(p.audience()).containsExactly("api://caravan");
        assertThat(oidc.discoveryRequests()).isEqualTo(1);
        assertThat(oidc.jwksRequests()).isEqualTo(1);
        // cached: a second token costs no request
        verifier.verify(valid());
        assertThat(oidc.totalRequests()).isEqualTo(2);
    }

    @Test
    void ps256AndEs256AreAcceptedWithTheirKeyTypes() throws Exception {
        final ECKey ec = OidcStub.ec("e1");
        oidc.publish(k1, ec);
        verifier();
        assertThat(verifier.verify(OidcStub.sign(k1, JWSAlgorithm.PS256, claims().build())).subject()).isEqualTo("client-a");
        assertThat(verifier.verify(OidcStub.sign(ec, JWSAlgorithm.ES256, claims().build())).subject()).isEqualTo("client-a");
        // RS384 is not on the default allow-list even with a good RSA key
        assertRejected(OidcStub.sign(k1, JWSAlgorithm.RS384, claims().build()), "algorithm not allowed");
    }

    @Test
    void clockSkewToleratesSlightlyExpiredTokens() throws Exception {
        verifier();
        final String token = OidcStub.sign(k1, claims().expirationTime(Date.from(start.minusSeconds(30))).build());
        assertThat(verifier.verify(token).subject()).isEqualTo("client-a");
    }

    // ------------------------------------------------------------------ forged and broken tokens

    @Test
    void algNoneIsRejected() {
        verifier();
        assertRejected(new PlainJWT(claims().build()).serialize(), "unsigned tokens are not accepted");
        // "none" with a copied signature segment is no better
        final String signed = valid();
        final String header = Base64URL.encode("{\"alg\":\"none\",\"kid\":\"k1\"}").toString();
        assertRejected(header + signed.substring(signed.indexOf('.')), "malformed token");
        assertThat(oidc.totalRequests()).isZero();
    }

    @Test
    void hs256SignedWithTheIssuersRsaPublicKeyIsRejected() throws Exception {
        verifier();
        verifier.verify(valid()); // keys are cached: the attack would need them
        final byte[] publicKeyAsSecret = k1.toRSAPublicKey().getEncoded();
        final SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").type(JOSEObjectType.JWT).build(),
                claims().build());
        forged.sign(new MACSigner(publicKeyAsSecret));
        assertRejected(forged.serialize(), "algorithm not allowed");
        // the PEM text as secret, same answer
        final String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(publicKeyAsSecret) + "\n-----END PUBLIC KEY-----\n";
        final SignedJWT forgedPem = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
        forgedPem.sign(new MACSigner(pem.getBytes(StandardCharsets.US_ASCII)));
        assertRejected(forgedPem.serialize(), "algorithm not allowed");
    }

    @Test
    void expiredTokenIsRejected() {
        verifier();
        assertRejected(OidcStub.sign(k1, claims().expirationTime(Date.from(start.minusSeconds(61))).build()), "token expired");
        assertRejected(OidcStub.sign(k1, claims().expirationTime(null).build()), "expiry missing");
    }

    @Test
    void notYetValidAndFutureIssuedTokensAreRejected() {
        verifier();
        assertRejected(OidcStub.sign(k1, claims().notBeforeTime(Date.from(start.plusSeconds(120))).build()), "token not yet valid");
        assertRejected(OidcStub.sign(k1, claims().issueTime(Date.from(start.plusSeconds(120))).build()), "token issued in the future");
    }

    @Test
    void wrongIssuerIsRejectedWithoutAnyRequest() {
        verifier();
        // same keys, same host, another issuer path: not on the trusted list
        assertRejected(OidcStub.sign(k1, claims().issuer(oidc.base() + "/other").build()), "untrusted issuer");
        assertRejected(OidcStub.sign(k1, claims().issuer(issuer + "/").build()), "untrusted issuer");
        assertRejected(OidcStub.sign(k1, claims().issuer("https://evil.example/caravan").build()), "untrusted issuer");
        assertRejected(OidcStub.sign(k1, claims().issuer(null).build()), "issuer missing");
        assertThat(oidc.totalRequests()).isZero();
    }

    @Test
    void wrongAudienceIsRejected() {
        verifier();
        assertRejected(OidcStub.sign(k1, claims().audience("api://other").build()), "wrong audience");
        assertRejected(OidcStub.sign(k1, claims().audience((String) null).build()), "wrong audience");
    }

    @Test
    void unknownKidIsRejected() {
        verifier();
        assertRejected(OidcStub.sign(OidcStub.rsa("k-unknown"), claims().build()), "unknown signing key");
    }

    @Test
    void keyOfAnotherProviderUnderAKnownKidIsRejected() {
        verifier();
        assertRejected(OidcStub.sign(OidcStub.rsa("k1"), claims().build()), "invalid signature");
    }

    @Test
    void tamperedPayloadIsRejected() {
        verifier();
        final String[] parts = valid().split("\\.");
        final String payload = Base64URL.encode(claims().claim("scp", "whoami devices:admin").build().toString()).toString();
        assertRejected(parts[0] + "." + payload + "." + parts[2], "invalid signature");
    }

    @Test
    void tamperedSignatureIsRejected() {
        verifier();
        final String token = valid();
        final char last = token.charAt(token.length() - 5);
        final String tampered = token.substring(0, token.length() - 5) + (last == 'A' ? 'B' : 'A') + token.substring(token.length() - 4);
        assertRejected(tampered, "invalid signature");
        final String[] parts = token.split("\\.");
        assertRejected(parts[0] + "." + parts[1] + "." + parts[2].substring(0, 40), "invalid signature");
    }

    @Test
    void wrongSegmentsAndBadBase64urlAreRejectedWithoutAnyRequest() {
        verifier();
        final String token = valid();
        final String[] p = token.split("\\.");
        for (final String bad : List.of("", "abc", p[0] + "." + p[1], token + "." + p[2], p[0] + "." + p[1] + "." + p[2] + ".x.y" + "z",
                "." + p[1] + "." + p[2], p[0] + ".." + p[2], token + "=", p[0] + "." + p[1] + "+." + p[2],
                p[0] + "." + p[1] + "." + p[2].substring(0, 10) + "/" + p[2].substring(11), p[0] + "!." + p[1] + "." + p[2],
                token.replace('.', ' '),
                p[0] + "." + p[1] + "." + p[2].substring(1), "eyJ." + p[1] + "." + p[2], "e30." + p[1] + "." + p[2])) {
            try {
                verifier.verify(bad);
                org.junit.jupiter.api.Assertions.fail("accepted: " + bad);
            } catch (TokenRejectedException e) {
                assertThat(e.getMessage()).as(bad).isIn("malformed token", "token missing", "invalid signature",
                        "encrypted tokens are not accepted");
            }
        }
        assertThat(oidc.totalRequests()).isLessThanOrEqualTo(2);
        assertRejected("abcd.abcd.abcd.abcd.abcd", "encrypted tokens are not accepted");
        assertRejected(p[0] + "." + p[1] + "+." + p[2], "malformed token");
    }

    @Test
    void tokenOverTheLimitIsRejectedBeforeParsing() {
        verifier();
        final String huge = OidcStub.sign(k1, claims().claim("pad", "x".repeat(9000)).build());
        assertThat(huge.length()).isGreaterThan(8192);
        assertRejected(huge, "token too large");
        assertRejected("x".repeat(8193), "token too large");
        assertThat(oidc.totalRequests()).isZero();
    }

    @Test
    void foreignTokenTypeAndMissingSubjectAreRejected() throws Exception {
        verifier();
        final SignedJWT idToken = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").type(new JOSEObjectType("logout+jwt")).build(),
                claims().build());
        idToken.sign(new com.nimbusds.jose.crypto.RSASSASigner(k1));
        assertRejected(idToken.serialize(), "not an access token");
        assertRejected(OidcStub.sign(k1, claims().subject(null).build()), "subject missing");
    }

    @Test
    void discoveryNamingAnotherIssuerFailsClosed() {
        oidc.serve("caravan", oidc.base() + "/somebody-else");
        verifier();
        assertRejected(valid(), "signing keys unavailable");
        assertThat(oidc.jwksRequests()).isZero();
    }

    // ------------------------------------------------------------------ verified-token cache

    @Test
    void aRepeatedTokenIsAnsweredFromTheCacheUntilItExpires() throws Exception {
        verifier();
        final String token = valid(); // exp = now + 1 h
        final VerifiedPrincipal first = verifier.verify(token);
        assertThat(verifier.verify(token)).isSameAs(first); // the remembered answer, no second check
        assertThat(verifier.cachedTokens()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(9));
        assertThat(verifier.verify(token)).isSameAs(first);
        clock.advance(Duration.ofMinutes(51).plusSeconds(59)); // inside the 60 s skew; keys refetched meanwhile
        assertThat(verifier.verify(token)).isEqualTo(first);
        clock.advance(Duration.ofSeconds(2));
        assertRejected(token, "token expired");
        assertThat(verifier.cachedTokens()).isZero();
    }

    @Test
    void aTamperedCopyOfACachedTokenIsStillChecked() throws Exception {
        verifier();
        final String token = valid();
        verifier.verify(token);
        final String[] parts = token.split("\\.");
        final String payload = Base64URL.encode(claims().claim("scp", "whoami devices:admin").build().toString()).toString();
        assertRejected(parts[0] + "." + payload + "." + parts[2], "invalid signature");
        final char last = token.charAt(token.length() - 5);
        assertRejected(token.substring(0, token.length() - 5) + (last == 'A' ? 'B' : 'A') + token.substring(token.length() - 4),
                "invalid signature");
        assertThat(verifier.cachedTokens()).isEqualTo(1);
    }

    @Test
    void aCachedTokenIsCheckedAgainOnceTheKeySetChanges() throws Exception {
        verifier();
        final String token = valid();
        final VerifiedPrincipal first = verifier.verify(token);
        oidc.publish(OidcStub.rsa("k2")); // the provider drops k1
        clock.advance(Duration.ofMinutes(9));
        assertThat(verifier.verify(token)).isSameAs(first); // same key set as when it was verified
        clock.advance(Duration.ofMinutes(1).plusSeconds(1)); // TTL 10 min over: the next use refetches
        assertRejected(token, "unknown signing key");
        assertThat(oidc.jwksRequests()).isEqualTo(3); // first load, TTL refetch, one forced fetch for the unknown kid
    }

    @Test
    void aCachedTokenFailsClosedWhenTheKeysAreTooOld() throws Exception {
        verifier();
        final String token = valid();
        verifier.verify(token);
        oidc.stop();
        clock.advance(Duration.ofMinutes(14));
        assertThat(verifier.verify(token).subject()).isEqualTo("client-a"); // stale keys inside the window
        clock.advance(Duration.ofMinutes(1).plusSeconds(1)); // TTL 10 + outage window 5 passed
        assertRejected(token, "signing keys unavailable");
    }

    @Test
    void theCacheIsConsultedWithoutEverFetchingKeys() throws Exception {
        verifier();
        final String token = valid();
        final VerifiedPrincipal first = verifier.verify(token);
        final java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        oidc.holdJwks(gate); // from here any key fetch waits 10 s
        try {
            clock.advance(Duration.ofMinutes(10).plusSeconds(1)); // TTL over: only a fetch could confirm the keys
            final long started = System.nanoTime();
            assertThat(verifier.cached(token)).isNull();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        } finally {
            gate.countDown();
        }
        assertThat(verifier.verify(token)).isEqualTo(first); // the full check refetches and confirms it
    }

    @Test
    void answersFromTheCacheStillRefreshTheKeysAheadOfExpiry() throws Exception {
        verifier();
        final String token = valid();
        final VerifiedPrincipal first = verifier.verify(token);
        final int fetches = oidc.jwksRequests();
        clock.advance(Duration.ofMinutes(9).plusSeconds(30)); // refresh-ahead: the last minute of the 10 min TTL
        assertThat(verifier.cached(token)).isSameAs(first);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> oidc.jwksRequests() > fetches);
    }

    @Test
    void theCacheIsBoundedAndCanBeTurnedOff() throws Exception {
        final Map<String, String> p = props();
        p.put("oauth2.verified-token-cache-size", "8");
        verifier(p);
        for (int i = 0; i < 20; i++) {
            final String token = OidcStub.sign(k1, claims().subject("client-" + i).build());
            assertThat(verifier.verify(token).subject()).isEqualTo("client-" + i);
            assertThat(verifier.cachedTokens()).isBetween(1, 8);
        }
        verifier.close();
        p.put("oauth2.verified-token-cache-size", "0");
        verifier(p);
        final String token = valid();
        final VerifiedPrincipal first = verifier.verify(token);
        assertThat(verifier.verify(token)).isNotSameAs(first).isEqualTo(first);
        assertThat(verifier.cachedTokens()).isZero();
        p.put("oauth2.verified-token-cache-size", "-1");
        assertThatThrownBy(() -> OAuth2Settings.fromMap(p)).hasMessageContaining("oauth2.verified-token-cache-size");
        p.put("oauth2.verified-token-cache-size", "many");
        assertThatThrownBy(() -> OAuth2Settings.fromMap(p)).hasMessageContaining("oauth2.verified-token-cache-size");
    }

    @Test
    void hmacTokensAreCachedToo() throws Exception {
        final Map<String, String> p = new HashMap<>();
        p.put("oauth2.issuers", "hs");
        p.put("oauth2.issuer.hs.uri", "https://hs.example");
        p.put("oauth2.issuer.hs.audience", "api://caravan");
        p.put("oauth2.issuer.hs.shared-secret", "0123456789abcdef0123456789abcdef");
        verifier(p);
        final SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                OidcStub.claims("https://hs.example", clock.instant()).build());
        jwt.sign(new MACSigner("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
        final VerifiedPrincipal first = verifier.verify(jwt.serialize());
        assertThat(verifier.verify(jwt.serialize())).isSameAs(first);
    }

    @Test
    void rs384AndRs512AreCheckedWhenAllowedAndCriticalHeadersAreRefused() throws Exception {
        final Map<String, String> p = props();
        p.put("oauth2.issuer.caravan.algorithms", "RS384,RS512");
        verifier(p);
        assertThat(verifier.verify(OidcStub.sign(k1, JWSAlgorithm.RS384, claims().build())).subject()).isEqualTo("client-a");
        assertThat(verifier.verify(OidcStub.sign(k1, JWSAlgorithm.RS512, claims().build())).subject()).isEqualTo("client-a");
        assertRejected(OidcStub.sign(k1, JWSAlgorithm.RS256, claims().build()), "algorithm not allowed");
        // an RS384 signature presented as RS512 does not verify
        final String[] rs384 = OidcStub.sign(k1, JWSAlgorithm.RS384, claims().subject("x").build()).split("\\.");
        final String rs512Header = Base64URL.encode("{\"alg\":\"RS512\",\"kid\":\"k1\"}").toString();
        assertRejected(rs512Header + "." + rs384[1] + "." + rs384[2], "invalid signature");
        final SignedJWT crit = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID("k1")
                .criticalParams(java.util.Set.of("x-caravan")).customParam("x-caravan", 1).build(), claims().build());
        crit.sign(new com.nimbusds.jose.crypto.RSASSASigner(k1));
        assertRejected(crit.serialize(), "critical header parameters not supported");
    }

    // ------------------------------------------------------------------ rotation, storms, outages

    @Test
    void rotatedKeyIsAcceptedWithoutRestart() throws Exception {
        verifier();
        verifier.verify(valid());
        final RSAKey k2 = OidcStub.rsa("k2");
        oidc.publish(k2); // the provider switches keys
        clock.advance(Duration.ofMinutes(2));
        final VerifiedPrincipal p = verifier.verify(OidcStub.sign(k2, claims().build()));
        assertThat(p.subject()).isEqualTo("client-a");
        assertThat(oidc.jwksRequests()).isEqualTo(2);
        // the old key is gone from the provider, and from the verifier after that refetch
        assertRejected(OidcStub.sign(k1, claims().build()), "unknown signing key");
    }

    @Test
    void stormOfUnknownKidsCausesAtMostOneFetchPerWindow() throws Exception {
        verifier();
        verifier.verify(valid());
        clock.advance(Duration.ofMinutes(1));
        final List<String> storm = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            storm.add(OidcStub.sign(k1, JWSAlgorithm.RS256, claims().build()).replaceFirst("^[^.]+",
                    Base64URL.encode("{\"alg\":\"RS256\",\"kid\":\"ghost-" + i + "\"}").toString()));
        }
        final ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            final List<Callable<String>> calls = new ArrayList<>();
            for (final String token : storm) {
                calls.add(() -> {
                    try {
                        verifier.verify(token);
                        return "accepted";
                    } catch (TokenRejectedException e) {
                        return e.getMessage();
                    }
                });
            }
            for (final Future<String> f : pool.invokeAll(calls)) {
                assertThat(f.get()).isEqualTo("unknown signing key");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(oidc.jwksRequests()).isEqualTo(2); // the first load + one forced fetch
        // still inside the 30 s window: a real rotation waits for the window (fails closed meanwhile)
        final RSAKey k2 = OidcStub.rsa("k2");
        oidc.publish(k1, k2);
        clock.advance(Duration.ofSeconds(29));
        assertRejected(OidcStub.sign(k2, claims().build()), "unknown signing key");
        assertThat(oidc.jwksRequests()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(2));
        assertThat(verifier.verify(OidcStub.sign(k2, claims().build())).subject()).isEqualTo("client-a");
        assertThat(oidc.jwksRequests()).isEqualTo(3);
    }

    @Test
    void keysAreRefreshedAheadOfExpiryInTheBackground() throws Exception {
        verifier();
        verifier.verify(valid());
        final RSAKey k2 = OidcStub.rsa("k2");
        oidc.publish(k1, k2);
        clock.advance(Duration.ofMinutes(9).plusSeconds(30)); // inside refresh-ahead (TTL 10 min, 1 min ahead)
        verifier.verify(valid()); // served from cache, triggers the background refresh
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> verifier.cachedKeyIds("caravan").contains("k2"));
        // k2 is known now without a forced fetch
        clock.advance(Duration.ofSeconds(10));
        assertThat(verifier.verify(OidcStub.sign(k2, claims().build())).subject()).isEqualTo("client-a");
        assertThat(oidc.jwksRequests()).isEqualTo(2);
    }

    @Test
    void cachedKeysOutliveAnOutageForTheWindowThenFailClosed() throws Exception {
        verifier();
        verifier.verify(valid());
        oidc.stop(); // the provider is down (connection refused)
        clock.advance(Duration.ofMinutes(9));
        assertThat(verifier.verify(valid()).subject()).isEqualTo("client-a"); // within TTL
        clock.advance(Duration.ofMinutes(2)); // 11 min: TTL over, refresh fails, stale keys served
        assertThat(verifier.verify(valid()).subject()).isEqualTo("client-a");
        clock.advance(Duration.ofMinutes(3)); // 14 min < TTL 10 + window 5
        assertThat(verifier.verify(valid()).subject()).isEqualTo("client-a");
        clock.advance(Duration.ofMinutes(1).plusSeconds(1)); // past 15 min: fail closed
        assertRejected(valid(), "signing keys unavailable");
        clock.advance(Duration.ofMinutes(30));
        assertRejected(valid(), "signing keys unavailable");
        // provider back: the next attempt fetches and accepts again
        oidc.restart();
        clock.advance(Duration.ofMinutes(1));
        assertThat(verifier.verify(valid()).subject()).isEqualTo("client-a");
    }

    @Test
    void providerDownAtFirstUseFailsClosed() {
        oidc.stop();
        verifier();
        assertRejected(valid(), "signing keys unavailable");
    }

    // ------------------------------------------------------------------ multi-tenant, scopes, HMAC

    @Test
    void entraStyleTemplateAcceptsOnlyAllowedTenants() throws Exception {
        final String template = oidc.base() + "/{tenantid}/v2.0";
        oidc.serve("common/v2.0", template);
        final Map<String, String> p = new HashMap<>();
        p.put("oauth2.issuers", "entra");
        p.put("oauth2.issuer.entra.uri", template);
        p.put("oauth2.issuer.entra.tenants", "11111111-2222-3333-4444-555555555555,contoso");
        p.put("oauth2.issuer.entra.audience", "api://caravan");
        verifier(p);
        final String tenantA = oidc.base() + "/11111111-2222-3333-4444-555555555555/v2.0";
        final VerifiedPrincipal principal = verifier.verify(OidcStub.sign(k1, OidcStub.claims(tenantA, start)
                .claim("tid", "11111111-2222-3333-4444-555555555555").claim("roles", List.of("Devices.Read")).build()));
        assertThat(principal.issuer()).isEqualTo(tenantA);
        assertThat(principal.tenant()).isEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(principal.scopes()).contains("Devices.Read");
        assertThat(verifier.verify(OidcStub.sign(k1, OidcStub.claims(oidc.base() + "/contoso/v2.0", start).build())).tenant())
                .isEqualTo("contoso");
        final int before = oidc.totalRequests();
        assertRejected(OidcStub.sign(k1, OidcStub.claims(oidc.base() + "/99999999-2222-3333-4444-555555555555/v2.0", start).build()),
                "untrusted issuer");
        assertRejected(OidcStub.sign(k1, OidcStub.claims(oidc.base() + "/contoso/x/v2.0", start).build()), "untrusted issuer");
        assertRejected(OidcStub.sign(k1, OidcStub.claims(template, start).build()), "untrusted issuer");
        assertThat(oidc.totalRequests()).isEqualTo(before);
        assertRejected(OidcStub.sign(k1, OidcStub.claims(tenantA, start).claim("tid", "contoso").build()), "tenant mismatch");
    }

    @Test
    void scopesComeFromTheConfiguredClaims() throws Exception {
        verifier();
        final VerifiedPrincipal all = verifier.verify(OidcStub.sign(k1, claims().claim("scp", "a  b").claim("scope", "c")
                .claim("roles", List.of("R1", "R2")).build()));
        assertThat(all.scopes()).containsExactly("R1", "R2", "a", "b", "c");
        assertThat(all.scopeString()).isEqualTo("R1 R2 a b c");
        verifier.close();
        final Map<String, String> p = props();
        p.put("oauth2.scope-claims", "roles");
        p.put("oauth2.client-id-claims", "client_id");
        verifier(p);
        final VerifiedPrincipal rolesOnly = verifier.verify(OidcStub.sign(k1, claims().claim("roles", List.of("R1"))
                .claim("client_id", "cid").build()));
        assertThat(rolesOnly.scopes()).containsExactly("R1");
        assertThat(rolesOnly.clientId()).isEqualTo("cid");
        assertThat(rolesOnly.hasScopes(List.of("R1"))).isTrue();
        assertThat(rolesOnly.hasScopes(List.of("whoami"))).isFalse();
    }

    @Test
    void hmacOnlyForAnIssuerWithASharedSecret() throws Exception {
        final String secret = "0123456789abcdef0123456789abcdef-shared";
        final Map<String, String> p = props();
        p.put("oauth2.issuers", "caravan,internal");
        p.put("oauth2.issuer.internal.uri", "urn:caravan:internal");
        p.put("oauth2.issuer.internal.audience", "api://caravan");
        p.put("oauth2.issuer.internal.shared-secret", secret);
        verifier(p);
        final SignedJWT hs = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), OidcStub.claims("urn:caravan:internal", start).build());
        hs.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        assertThat(verifier.verify(hs.serialize()).issuer()).isEqualTo("urn:caravan:internal");
        final SignedJWT wrongSecret = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), OidcStub.claims("urn:caravan:internal", start).build());
        wrongSecret.sign(new MACSigner("another-secret-another-secret-another-secret".getBytes(StandardCharsets.UTF_8)));
        assertRejected(wrongSecret.serialize(), "invalid signature");
        // RSA tokens naming the HMAC issuer, and HMAC tokens naming the RSA issuer: both refused
        assertRejected(OidcStub.sign(k1, OidcStub.claims("urn:caravan:internal", start).build()), "algorithm not allowed");
        final SignedJWT hsForRsaIssuer = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
        hsForRsaIssuer.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        assertRejected(hsForRsaIssuer.serialize(), "algorithm not allowed");
        assertThat(oidc.totalRequests()).isZero();
    }

    @Test
    void unsafeConfigurationsAreRefused() {
        final Map<String, String> none = props();
        none.put("oauth2.issuer.caravan.algorithms", "RS256,none");
        assertThatThrownBy(() -> OAuth2Settings.fromMap(none)).hasMessageContaining("none");
        final Map<String, String> hsWithoutSecret = props();
        hsWithoutSecret.put("oauth2.issuer.caravan.algorithms", "HS256");
        assertThatThrownBy(() -> OAuth2Settings.fromMap(hsWithoutSecret)).hasMessageContaining("shared-secret");
        final Map<String, String> shortSecret = props();
        shortSecret.put("oauth2.issuer.caravan.shared-secret", "short");
        assertThatThrownBy(() -> OAuth2Settings.fromMap(shortSecret)).hasMessageContaining("32 bytes");
        final Map<String, String> templateWithoutTenants = props();
        templateWithoutTenants.put("oauth2.issuer.caravan.uri", "https://login.microsoftonline.com/{tenantid}/v2.0");
        assertThatThrownBy(() -> OAuth2Settings.fromMap(templateWithoutTenants)).hasMessageContaining("tenants");
        final Map<String, String> noAudience = props();
        noAudience.remove("oauth2.issuer.caravan.audience");
        assertThatThrownBy(() -> OAuth2Settings.fromMap(noAudience)).hasMessageContaining("audience");
        final Map<String, String> badDuration = props();
        badDuration.put("oauth2.clock-skew", "60");
        assertThatThrownBy(() -> OAuth2Settings.fromMap(badDuration)).hasMessageContaining("ISO-8601");
        final OAuth2Settings defaults = OAuth2Settings.fromMap(props());
        assertThat(defaults.clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.scopeClaims()).containsExactly("scp", "scope", "roles");
        assertThat(defaults.issuers().get(0).algorithms()).containsExactlyInAnyOrder(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256);
        assertThat(defaults.issuers().get(0).refetchInterval()).isEqualTo(Duration.ofSeconds(30));
    }
}
