package io.caravan.oauth2;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JWSAlgorithm;

/**
 * One trusted token issuer, read from {@code oauth2.issuer.<id>.*}. Plain Java (no Spring): the same
 * settings are read under Spring Boot, Camel JBang and Camel K.
 *
 * @param id             the name in {@code oauth2.issuers}
 * @param uri            the exact {@code iss} value, or a template containing {@value #TENANT_PLACEHOLDER}
 * @param audiences      accepted {@code aud} values (a token must name at least one)
 * @param algorithms     accepted JWS algorithms; HMAC ones only with a shared secret
 * @param tenants        allowed tenants when {@code uri} is a template (empty otherwise)
 * @param sharedSecret   HMAC secret (at least 32 bytes); {@code null} for key-set issuers
 * @param discoveryUri   where the OpenID configuration is read ({@code uri} + well-known path by default)
 * @param jwksTtl        how long fetched keys are used before a refresh
 * @param refreshAhead   how long before the end of {@code jwksTtl} a background refresh starts
 * @param outageWindow   how long past {@code jwksTtl} stale keys are still used while the provider is down
 * @param refetchInterval at most one forced fetch (unknown {@code kid}) per this interval
 * @param connectTimeout HTTP connect timeout for discovery and JWKS
 * @param readTimeout    HTTP read timeout for discovery and JWKS
 */
public record IssuerSettings(String id, String uri, Set<String> audiences, Set<JWSAlgorithm> algorithms,
        Set<String> tenants, String sharedSecret, URI discoveryUri, Duration jwksTtl, Duration refreshAhead,
        Duration outageWindow, Duration refetchInterval, Duration connectTimeout, Duration readTimeout) {

    /** The placeholder of a multi-tenant issuer template (Entra ID: {@code https://login.microsoftonline.com/{tenantid}/v2.0}). */
    public static final String TENANT_PLACEHOLDER = "{tenantid}";

    /** Tenant ids as Entra uses them (GUIDs) plus plain names; nothing that could leave the path segment. */
    private static final String TENANT_CHARS = "([A-Za-z0-9][A-Za-z0-9._-]{0,63})";

    public IssuerSettings {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(uri, "uri");
        audiences = Set.copyOf(audiences);
        algorithms = Set.copyOf(algorithms);
        tenants = Set.copyOf(tenants);
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException("oauth2.issuer." + id + ".audience is required");
        }
        if (isTemplate(uri) && tenants.isEmpty()) {
            throw new IllegalArgumentException("oauth2.issuer." + id + ".tenants is required for a " + TENANT_PLACEHOLDER + " template");
        }
        if (!isTemplate(uri) && !tenants.isEmpty()) {
            throw new IllegalArgumentException("oauth2.issuer." + id + ".tenants needs a " + TENANT_PLACEHOLDER + " in the uri");
        }
        for (final JWSAlgorithm alg : algorithms) {
            final boolean hmac = JWSAlgorithm.Family.HMAC_SHA.contains(alg);
            if (hmac && sharedSecret == null) {
                throw new IllegalArgumentException("oauth2.issuer." + id + ": " + alg + " needs a shared-secret");
            }
            if (!hmac && sharedSecret != null) {
                throw new IllegalArgumentException("oauth2.issuer." + id + ": an issuer with a shared-secret accepts HMAC algorithms only, not " + alg);
            }
            if (!hmac && !JWSAlgorithm.Family.RSA.contains(alg) && !JWSAlgorithm.Family.EC.contains(alg)) {
                throw new IllegalArgumentException("oauth2.issuer." + id + ": algorithm not supported: " + alg);
            }
        }
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("oauth2.issuer." + id + ".algorithms is empty");
        }
        if (sharedSecret != null && sharedSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("oauth2.issuer." + id + ".shared-secret must have at least 32 bytes");
        }
        if (sharedSecret == null) {
            Objects.requireNonNull(discoveryUri, "discoveryUri");
            positive(id, "jwks-ttl", jwksTtl);
            positive(id, "refetch-interval", refetchInterval);
            positive(id, "connect-timeout", connectTimeout);
            positive(id, "read-timeout", readTimeout);
            if (refreshAhead.isNegative() || outageWindow.isNegative()) {
                throw new IllegalArgumentException("oauth2.issuer." + id + ": refresh-ahead and outage-window must not be negative");
            }
            if (refreshAhead.plus(connectTimeout.plus(readTimeout).multipliedBy(2)).compareTo(jwksTtl) >= 0) {
                throw new IllegalArgumentException("oauth2.issuer." + id + ": refresh-ahead + timeouts must be shorter than jwks-ttl");
            }
            if (refetchInterval.compareTo(jwksTtl) >= 0) {
                throw new IllegalArgumentException("oauth2.issuer." + id + ": refetch-interval must be shorter than jwks-ttl");
            }
        }
    }

    private static void positive(final String id, final String key, final Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("oauth2.issuer." + id + "." + key + " must be positive");
        }
    }

    static boolean isTemplate(final String uri) {
        return uri.contains(TENANT_PLACEHOLDER);
    }

    /** How long a caller waits for a refresh another thread is making. */
    Duration refreshTimeout() {
        return connectTimeout.plus(readTimeout).multipliedBy(2);
    }

    /** Keys older than this (since their last successful fetch) are never used. */
    Duration maxKeyAge() {
        return jwksTtl.plus(outageWindow);
    }

    boolean usesSharedSecret() {
        return sharedSecret != null;
    }

    /** The pattern an {@code iss} must match; group 1 is the tenant for templates. */
    Pattern issuerPattern() {
        if (!isTemplate(uri)) {
            return Pattern.compile(Pattern.quote(uri));
        }
        final int at = uri.indexOf(TENANT_PLACEHOLDER);
        return Pattern.compile(Pattern.quote(uri.substring(0, at)) + TENANT_CHARS
                + Pattern.quote(uri.substring(at + TENANT_PLACEHOLDER.length())));
    }

    /**
     * The tenant of a token issuer that this issuer trusts: "" for a plain issuer, the tenant id for
     * a template, or {@code null} when {@code iss} is not trusted here.
     */
    String trustedTenant(final Pattern pattern, final String iss) {
        final Matcher m = pattern.matcher(iss);
        if (!m.matches()) {
            return null;
        }
        if (!isTemplate(uri)) {
            return "";
        }
        final String tenant = m.group(1);
        return tenants.contains(tenant) ? tenant : null;
    }

    /** Default discovery location: the issuer (templates: tenant "common", as Entra serves it). */
    static URI defaultDiscoveryUri(final String uri) {
        final String base = uri.replace(TENANT_PLACEHOLDER, "common");
        return URI.create((base.endsWith("/") ? base : base + "/") + ".well-known/openid-configuration");
    }

    static List<JWSAlgorithm> defaultAlgorithms() {
        return List.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256);
    }
}
