package io.caravan.oauth2;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * Who called, as proven by a verified bearer token. Immutable.
 *
 * @param subject   {@code sub}
 * @param clientId  the first of the configured client-id claims present ({@code azp}, {@code client_id}, {@code appid}), else {@code sub}
 * @param issuer    {@code iss} (for a multi-tenant template, the concrete tenant issuer)
 * @param tenant    the tenant of a multi-tenant issuer, else {@code null}
 * @param scopes    the granted scopes/roles from the configured claims, sorted
 * @param audience  {@code aud}
 * @param expiresAt {@code exp}
 */
public record VerifiedPrincipal(String subject, String clientId, String issuer, String tenant, SortedSet<String> scopes,
        List<String> audience, Instant expiresAt) {

    public VerifiedPrincipal {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(issuer, "issuer");
        scopes = Collections.unmodifiableSortedSet(new TreeSet<>(scopes));
        audience = List.copyOf(audience);
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public boolean hasScopes(final java.util.Collection<String> required) {
        return scopes.containsAll(required);
    }

    /** The scopes as one space-separated string (the {@code CaravanPrincipalScopes} header). */
    public String scopeString() {
        return String.join(" ", scopes);
    }

    /** JSON object: subject, clientId, issuer, tenant (if any), scopes, audience, expiresAt. */
    public String toJson() {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("subject", subject);
        json.put("clientId", clientId);
        json.put("issuer", issuer);
        if (tenant != null) {
            json.put("tenant", tenant);
        }
        json.put("scopes", List.copyOf(scopes));
        json.put("audience", audience);
        json.put("expiresAt", expiresAt.toString());
        return JSONObjectUtils.toJSONString(json);
    }
}
