package io.caravan.oauth2;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import com.nimbusds.jose.JWSAlgorithm;

/**
 * The whole {@code oauth2.*} configuration (documented in routes/oauth2/application.properties).
 * Read through a plain key lookup so that any runtime can feed it: Camel's properties component
 * (Spring Boot, JBang, Quarkus) or a map in tests.
 *
 * @param realm          the {@code realm} of every {@code WWW-Authenticate} challenge
 * @param clockSkew      tolerance applied to {@code exp}, {@code nbf} and {@code iat}
 * @param scopeClaims    claims whose values are the granted scopes (strings are split on spaces)
 * @param clientIdClaims claims tried in order for the client id
 * @param maxTokenLength longer tokens are refused before any parsing
 * @param issuers        the trusted issuers; no other issuer is ever contacted
 * @param verifiedTokenCacheSize how many verified tokens are remembered until their {@code exp} (0: none)
 */
public record OAuth2Settings(String realm, Duration clockSkew, List<String> scopeClaims, List<String> clientIdClaims,
        int maxTokenLength, List<IssuerSettings> issuers, int verifiedTokenCacheSize) {

    public static final String PREFIX = "oauth2.";

    public OAuth2Settings {
        scopeClaims = List.copyOf(scopeClaims);
        clientIdClaims = List.copyOf(clientIdClaims);
        issuers = List.copyOf(issuers);
        if (issuers.isEmpty()) {
            throw new IllegalArgumentException("oauth2.issuers names no issuer");
        }
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("oauth2.clock-skew must not be negative");
        }
        if (maxTokenLength < 256) {
            throw new IllegalArgumentException("oauth2.max-token-length is too small");
        }
        if (verifiedTokenCacheSize < 0) {
            throw new IllegalArgumentException("oauth2.verified-token-cache-size must not be negative");
        }
        if (realm.indexOf('"') >= 0 || realm.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("oauth2.realm must not contain quotes or backslashes");
        }
    }

    /** Reads {@code oauth2.*} from a map (tests, tools). */
    public static OAuth2Settings fromMap(final Map<String, String> properties) {
        return from(key -> Optional.ofNullable(properties.get(key)));
    }

    /** Reads {@code oauth2.*} through {@code lookup} (key → value if set). */
    public static OAuth2Settings from(final Function<String, Optional<String>> lookup) {
        final Reader r = new Reader(lookup);
        final List<IssuerSettings> issuers = new ArrayList<>();
        for (final String id : r.list("oauth2.issuers", List.of())) {
            issuers.add(issuer(r, id));
        }
        return new OAuth2Settings(
                r.string("oauth2.realm", "caravan"),
                r.duration("oauth2.clock-skew", Duration.ofSeconds(60)),
                r.list("oauth2.scope-claims", List.of("scp", "scope", "roles")),
                r.list("oauth2.client-id-claims", List.of("azp", "client_id", "appid")),
                r.integer("oauth2.max-token-length", 8192),
                issuers,
                r.integer("oauth2.verified-token-cache-size", 10_000));
    }

    private static IssuerSettings issuer(final Reader r, final String id) {
        if (!id.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("oauth2.issuers: bad issuer id '" + id + "'");
        }
        final String p = "oauth2.issuer." + id + ".";
        final String uri = r.required(p + "uri");
        final String secret = r.lookup.apply(p + "shared-secret").filter(s -> !s.isBlank()).orElse(null);
        final List<String> algNames = r.list(p + "algorithms",
                secret == null ? IssuerSettings.defaultAlgorithms().stream().map(JWSAlgorithm::getName).toList() : List.of("HS256"));
        final Set<JWSAlgorithm> algs = new LinkedHashSet<>();
        for (final String name : algNames) {
            if ("none".equalsIgnoreCase(name)) {
                throw new IllegalArgumentException(p + "algorithms: 'none' (unsigned tokens) is never accepted");
            }
            algs.add(JWSAlgorithm.parse(name));
        }
        final URI discovery = r.lookup.apply(p + "discovery-uri").filter(s -> !s.isBlank()).map(URI::create)
                .orElse(IssuerSettings.defaultDiscoveryUri(uri));
        return new IssuerSettings(id, uri,
                new LinkedHashSet<>(r.list(p + "audience", List.of())),
                algs,
                new LinkedHashSet<>(r.list(p + "tenants", List.of())),
                secret,
                discovery,
                r.duration(p + "jwks-ttl", Duration.ofHours(24)),
                r.duration(p + "refresh-ahead", Duration.ofMinutes(5)),
                r.duration(p + "outage-window", Duration.ofHours(1)),
                r.duration(p + "refetch-interval", Duration.ofSeconds(30)),
                r.duration(p + "connect-timeout", Duration.ofSeconds(2)),
                r.duration(p + "read-timeout", Duration.ofSeconds(3)));
    }

    /** Small typed reader over the lookup function. */
    private record Reader(Function<String, Optional<String>> lookup) {

        String string(final String key, final String fallback) {
            return lookup.apply(key).map(String::trim).filter(s -> !s.isEmpty()).orElse(fallback);
        }

        String required(final String key) {
            return lookup.apply(key).map(String::trim).filter(s -> !s.isEmpty())
                    .orElseThrow(() -> new IllegalArgumentException(key + " is required"));
        }

        int integer(final String key, final int fallback) {
            final String value = string(key, null);
            if (value == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'", e);
            }
        }

        List<String> list(final String key, final List<String> fallback) {
            return lookup.apply(key).filter(s -> !s.isBlank())
                    .map(s -> Arrays.stream(s.split("[,\\s]+")).filter(x -> !x.isEmpty()).toList())
                    .orElse(fallback);
        }

        Duration duration(final String key, final Duration fallback) {
            final Optional<String> value = lookup.apply(key).map(String::trim).filter(s -> !s.isEmpty());
            if (value.isEmpty()) {
                return fallback;
            }
            try {
                return Duration.parse(value.get());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException(key + " must be an ISO-8601 duration such as PT30S, got '" + value.get() + "'", e);
            }
        }
    }
}
