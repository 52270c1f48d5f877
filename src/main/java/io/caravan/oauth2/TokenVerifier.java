package io.caravan.oauth2;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies OAuth2 bearer access tokens (signed JWTs) from the trusted issuers of {@link OAuth2Settings}.
 * Plain Java, thread-safe; one instance per runtime (see {@link BearerTokenPolicy#VERIFIER_NAME}).
 *
 * <p>Order of checks: size (before any parsing), compact syntax and strict base64url, header, the
 * {@code iss} claim against the trusted list (an untrusted issuer is refused without any network
 * call), the issuer's algorithm allow-list (tied to its key type; HMAC only for an issuer with a
 * shared secret; {@code none} never), the signature with a key of that issuer, then {@code exp},
 * {@code nbf}, {@code iat} (with clock skew), {@code aud}, tenant and {@code sub}.
 */
public final class TokenVerifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);
    private static final int MAX_KEYS_TRIED = 4;
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    private static final JOSEObjectType APPLICATION_AT_JWT = new JOSEObjectType("application/at+jwt");

    private final OAuth2Settings settings;
    private final Clock clock;
    private final List<Trusted> trusted;
    private final Map<JWK, SignatureCheck> verifiers = new ConcurrentHashMap<>();
    private final VerifiedTokenCache cache;

    public TokenVerifier(final OAuth2Settings settings) {
        this(settings, Clock.systemUTC());
    }

    public TokenVerifier(final OAuth2Settings settings, final Clock clock) {
        this.settings = settings;
        this.clock = clock;
        final List<Trusted> list = new ArrayList<>();
        for (final IssuerSettings issuer : settings.issuers()) {
            list.add(new Trusted(issuer, issuer.issuerPattern(),
                    issuer.usesSharedSecret() ? null : new IssuerKeys(issuer, clock),
                    issuer.usesSharedSecret() ? mac(issuer) : null));
        }
        this.trusted = List.copyOf(list);
        this.cache = new VerifiedTokenCache(settings.verifiedTokenCacheSize());
    }

    public OAuth2Settings settings() {
        return settings;
    }

    /**
     * @param token the compact JWT (what follows {@code Bearer })
     * @return the verified principal
     * @throws TokenRejectedException with a short, token-free description
     */
    public VerifiedPrincipal verify(final String token) throws TokenRejectedException {
        if (token == null || token.isEmpty()) {
            throw new TokenRejectedException("token missing");
        }
        if (token.length() > settings.maxTokenLength()) {
            throw new TokenRejectedException("token too large");
        }
        final VerifiedPrincipal known = cached(token);
        if (known != null) {
            return known;
        }
        checkCompactSyntax(token);
        // base64url with the JDK decoder: nimbus' constant-time codec costs more than the RSA check itself
        final int dot1 = token.indexOf('.');
        final int dot2 = token.indexOf('.', dot1 + 1);
        final Base64.Decoder base64url = Base64.getUrlDecoder();
        final JWSHeader header;
        final JWTClaimsSet claims;
        final byte[] signature;
        try {
            final String headerPart = token.substring(0, dot1);
            header = JWSHeader.parse(new String(base64url.decode(headerPart), StandardCharsets.UTF_8), new Base64URL(headerPart));
            claims = JWTClaimsSet.parse(new String(base64url.decode(token.substring(dot1 + 1, dot2)), StandardCharsets.UTF_8));
            signature = base64url.decode(token.substring(dot2 + 1));
        } catch (ParseException | IllegalArgumentException e) {
            throw new TokenRejectedException("malformed token");
        }
        final String kid = header.getKeyID();
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw new TokenRejectedException("critical header parameters not supported", null, kid);
        }
        final JOSEObjectType typ = header.getType();
        if (typ != null && !JOSEObjectType.JWT.equals(typ) && !AT_JWT.equals(typ) && !APPLICATION_AT_JWT.equals(typ)) {
            throw new TokenRejectedException("not an access token", null, kid);
        }
        final String iss = claims.getIssuer();
        if (iss == null) {
            throw new TokenRejectedException("issuer missing", null, kid);
        }
        Trusted issuer = null;
        String tenant = null;
        for (final Trusted candidate : trusted) {
            tenant = candidate.settings.trustedTenant(candidate.pattern, iss);
            if (tenant != null) {
                issuer = candidate;
                break;
            }
        }
        if (issuer == null) {
            throw new TokenRejectedException("untrusted issuer", iss, kid);
        }
        if (!issuer.settings.algorithms().contains(header.getAlgorithm())) {
            throw new TokenRejectedException("algorithm not allowed", iss, kid);
        }
        final Object keyEpoch = keyEpoch(issuer);
        verifySignature(new Signed(header, token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII),
                token.substring(dot2 + 1), signature), issuer, iss, kid);
        checkTime(claims, iss, kid);
        final List<String> aud = claims.getAudience();
        if (aud == null || aud.stream().noneMatch(issuer.settings.audiences()::contains)) {
            throw new TokenRejectedException("wrong audience", iss, kid);
        }
        if (!tenant.isEmpty()) {
            final Object tid = claims.getClaim("tid");
            if (tid != null && !tenant.equals(tid)) {
                throw new TokenRejectedException("tenant mismatch", iss, kid);
            }
        }
        final String sub = claims.getSubject();
        if (sub == null || sub.isEmpty()) {
            throw new TokenRejectedException("subject missing", iss, kid);
        }
        final VerifiedPrincipal principal = new VerifiedPrincipal(sub, clientId(claims, sub), iss, tenant.isEmpty() ? null : tenant,
                scopes(claims), aud, claims.getExpirationTime().toInstant());
        if (keyEpoch != null) {
            cache.put(token, new VerifiedTokenCache.Entry(principal, trusted.indexOf(issuer), keyEpoch),
                    clock.instant().minus(settings.clockSkew()));
        }
        return principal;
    }

    /**
     * The principal of a token that passed every check before and whose answer still holds (see
     * {@link VerifiedTokenCache}), or null: then only {@link #verify} can tell, perhaps after fetching keys.
     * Never blocks: a map lookup.
     */
    VerifiedPrincipal cached(final String token) {
        final VerifiedTokenCache.Entry hit = cache.get(token);
        if (hit == null) {
            return null;
        }
        if (stillValid(hit)) {
            return hit.principal();
        }
        cache.remove(token);
        return null;
    }

    /**
     * A cached answer still holds: not expired, and the issuer's key set is the one it was verified with and is
     * known to be in force without fetching anything (past the JWKS TTL the full check decides, and refetches).
     */
    private boolean stillValid(final VerifiedTokenCache.Entry hit) {
        if (clock.instant().minus(settings.clockSkew()).isAfter(hit.principal().expiresAt())) {
            return false;
        }
        final Trusted issuer = trusted.get(hit.issuerIndex());
        final Object current = issuer.mac != null ? issuer.mac : issuer.keys.setWithoutFetching(clock.millis());
        return current != null && hit.keyEpoch() == current;
    }

    /**
     * Identity of the key material in force for {@code issuer}: the cached JWK set object (replaced by
     * every fetch), the MAC verifier for a shared-secret issuer; null when keys are unavailable (no caching).
     */
    private Object keyEpoch(final Trusted issuer) {
        if (!cache.enabled()) {
            return null;
        }
        if (issuer.mac != null) {
            return issuer.mac;
        }
        try {
            return issuer.keys.usableSet(clock.millis(), null);
        } catch (KeySourceException e) {
            return null;
        }
    }

    private void verifySignature(final Signed jwt, final Trusted issuer, final String iss, final String kid)
            throws TokenRejectedException {
        try {
            if (issuer.mac != null) {
                if (!jwt.verify(issuer.mac)) {
                    throw new TokenRejectedException("invalid signature", iss, kid);
                }
                return;
            }
            final List<JWK> keys;
            try {
                keys = issuer.keys.get(new JWKSelector(JWKMatcher.forJWSHeader(jwt.header())), null);
            } catch (KeySourceException e) {
                LOG.warn("signing keys of {} unavailable: {}", iss, e.getMessage());
                throw new TokenRejectedException("signing keys unavailable", iss, kid);
            }
            if (keys.isEmpty()) {
                throw new TokenRejectedException("unknown signing key", iss, kid);
            }
            for (int i = 0; i < keys.size() && i < MAX_KEYS_TRIED; i++) {
                if (jwt.verify(verifierFor(keys.get(i)))) {
                    return;
                }
            }
            throw new TokenRejectedException("invalid signature", iss, kid);
        } catch (JOSEException e) {
            throw new TokenRejectedException("invalid signature", iss, kid);
        }
    }

    private void checkTime(final JWTClaimsSet claims, final String iss, final String kid) throws TokenRejectedException {
        final Instant now = clock.instant();
        final Duration skew = settings.clockSkew();
        final Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new TokenRejectedException("expiry missing", iss, kid);
        }
        if (now.minus(skew).isAfter(exp.toInstant())) {
            throw new TokenRejectedException("token expired", iss, kid);
        }
        final Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
            throw new TokenRejectedException("token not yet valid", iss, kid);
        }
        final Date iat = claims.getIssueTime();
        if (iat != null && now.plus(skew).isBefore(iat.toInstant())) {
            throw new TokenRejectedException("token issued in the future", iss, kid);
        }
    }

    private TreeSet<String> scopes(final JWTClaimsSet claims) {
        final TreeSet<String> scopes = new TreeSet<>();
        for (final String name : settings.scopeClaims()) {
            final Object value = claims.getClaim(name);
            if (value instanceof String s) {
                for (final String scope : s.split(" ")) {
                    if (!scope.isEmpty()) {
                        scopes.add(scope);
                    }
                }
            } else if (value instanceof List<?> list) {
                for (final Object scope : list) {
                    if (scope instanceof String s && !s.isEmpty()) {
                        scopes.add(s);
                    }
                }
            }
        }
        return scopes;
    }

    private String clientId(final JWTClaimsSet claims, final String sub) {
        for (final String name : settings.clientIdClaims()) {
            if (claims.getClaim(name) instanceof String s && !s.isEmpty()) {
                return s;
            }
        }
        return sub;
    }

    private SignatureCheck verifierFor(final JWK key) throws JOSEException {
        final SignatureCheck cached = verifiers.get(key);
        if (cached != null) {
            return cached;
        }
        final SignatureCheck created;
        if (key instanceof RSAKey rsa) {
            created = new RsaCheck(rsa.toRSAPublicKey(), new RSASSAVerifier(rsa));
        } else if (key instanceof ECKey ec) {
            created = nimbus(new ECDSAVerifier(ec));
        } else {
            throw new JOSEException("unsupported key type");
        }
        if (verifiers.size() > 64) {
            verifiers.clear(); // keys rotated many times: start over rather than grow
        }
        verifiers.put(key, created);
        return created;
    }

    /** The parts of a compact JWS the signature check needs (already base64url-decoded once). */
    private record Signed(JWSHeader header, byte[] signingInput, String signaturePart, byte[] signature) {

        boolean verify(final SignatureCheck check) throws JOSEException {
            return check.verify(this);
        }

        boolean verify(final JWSVerifier nimbus) throws JOSEException {
            return nimbus.verify(header, signingInput, new Base64URL(signaturePart));
        }
    }

    /** One key's signature check. */
    private interface SignatureCheck {
        boolean verify(Signed jwt) throws JOSEException;
    }

    private static SignatureCheck nimbus(final JWSVerifier verifier) {
        return jwt -> jwt.verify(verifier);
    }

    /**
     * RS256/384/512 straight through a JCA {@link Signature} ({@link RsaSignatures}: native ACCP when it
     * loads, else the JDK) on the already decoded bytes (the same JCA algorithm nimbus' {@link RSASSAVerifier}
     * uses); PS* go to nimbus.
     */
    private record RsaCheck(RSAPublicKey key, RSASSAVerifier nimbus) implements SignatureCheck {

        private static final Map<JWSAlgorithm, String> PKCS1 = Map.of(
                JWSAlgorithm.RS256, "SHA256withRSA", JWSAlgorithm.RS384, "SHA384withRSA", JWSAlgorithm.RS512, "SHA512withRSA");

        @Override
        public boolean verify(final Signed jwt) throws JOSEException {
            final String jca = PKCS1.get(jwt.header().getAlgorithm());
            if (jca == null) {
                return jwt.verify(nimbus);
            }
            try {
                final Signature check = RsaSignatures.of(jca);
                check.initVerify(key);
                check.update(jwt.signingInput());
                return check.verify(jwt.signature());
            } catch (SignatureException e) {
                return false; // e.g. a signature of the wrong length
            } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                throw new JOSEException(e.getMessage(), e);
            }
        }
    }

    /** Three non-empty base64url segments (no padding, no other characters); JWE and unsigned tokens are refused. */
    private static void checkCompactSyntax(final String token) throws TokenRejectedException {
        int dots = 0;
        int segmentStart = 0;
        for (int i = 0; i <= token.length(); i++) {
            final char c = i == token.length() ? '.' : token.charAt(i);
            if (c == '.') {
                final int length = i - segmentStart;
                if (length == 0) {
                    if (dots == 2 && i == token.length() && isUnsigned(token)) {
                        throw new TokenRejectedException("unsigned tokens are not accepted");
                    }
                    throw new TokenRejectedException("malformed token");
                }
                if (length % 4 == 1) {
                    throw new TokenRejectedException("malformed token");
                }
                dots++;
                segmentStart = i + 1;
            } else if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                throw new TokenRejectedException("malformed token");
            }
        }
        if (dots == 5) {
            throw new TokenRejectedException("encrypted tokens are not accepted");
        }
        if (dots != 3) {
            throw new TokenRejectedException("malformed token");
        }
    }

    private static boolean isUnsigned(final String token) {
        try {
            final String header = new Base64URL(token.substring(0, token.indexOf('.'))).decodeToString();
            return "none".equalsIgnoreCase(JSONObjectUtils.getString(JSONObjectUtils.parse(header), "alg"));
        } catch (ParseException | RuntimeException e) {
            return false;
        }
    }

    private static MACVerifier mac(final IssuerSettings issuer) {
        try {
            return new MACVerifier(issuer.sharedSecret().getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("oauth2.issuer." + issuer.id() + ".shared-secret unusable: " + e.getMessage(), e);
        }
    }

    /** Tokens currently remembered as verified (diagnostics and tests). */
    int cachedTokens() {
        return cache.size();
    }

    /** Key ids cached for a key-set issuer (diagnostics and tests). */
    java.util.Set<String> cachedKeyIds(final String issuerId) throws KeySourceException {
        for (final Trusted t : trusted) {
            if (t.settings.id().equals(issuerId) && t.keys != null) {
                return t.keys.cachedKeyIds();
            }
        }
        throw new IllegalArgumentException("no key-set issuer " + issuerId);
    }

    @Override
    public void close() {
        for (final Trusted t : trusted) {
            if (t.keys != null) {
                t.keys.close();
            }
        }
    }

    private record Trusted(IssuerSettings settings, Pattern pattern, IssuerKeys keys, MACVerifier mac) {
    }
}
