package io.caravan.oauth2;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.util.Map;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetParseException;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;

/**
 * The bottom of an issuer's key chain: reads the OpenID configuration
 * ({@code /.well-known/openid-configuration}), checks that it speaks for the configured issuer, and
 * fetches the key set at its {@code jwks_uri}. Caching, refresh-ahead, rate limiting and outage
 * tolerance are layered on top by nimbus' {@code JWKSourceBuilder} (see {@link IssuerKeys}).
 * The discovered {@code jwks_uri} is kept until a fetch fails, then discovered again.
 */
final class DiscoveryJWKSetSource implements JWKSetSource<SecurityContext> {

    private final String issuer;
    private final URI discoveryUri;
    private final ResourceRetriever retriever;
    private volatile URL jwksUrl;
    private volatile Fetched last;

    /** A key set as last fetched, and when (the time the caching layers passed in). */
    record Fetched(JWKSet set, long at) {
    }

    DiscoveryJWKSetSource(final String issuer, final URI discoveryUri, final ResourceRetriever retriever) {
        this.issuer = issuer;
        this.discoveryUri = discoveryUri;
        this.retriever = retriever;
    }

    @Override
    public JWKSet getJWKSet(final JWKSetCacheRefreshEvaluator refreshEvaluator, final long currentTime,
            final SecurityContext context) throws KeySourceException {
        URL url = jwksUrl;
        if (url == null) {
            url = discover();
            jwksUrl = url;
        }
        final String body;
        try {
            body = retriever.retrieveResource(url).getContent();
        } catch (IOException e) {
            jwksUrl = null;
            throw new JWKSetUnavailableException("JWKS of " + issuer + " unavailable: " + e.getClass().getSimpleName(), e);
        }
        final JWKSet set;
        try {
            set = JWKSet.parse(body).toPublicJWKSet();
        } catch (ParseException e) {
            jwksUrl = null;
            throw new JWKSetParseException("JWKS of " + issuer + " is not a JWK set", e);
        }
        last = new Fetched(set, currentTime);
        return set;
    }

    private URL discover() throws KeySourceException {
        final Map<String, Object> doc;
        try {
            doc = JSONObjectUtils.parse(retriever.retrieveResource(discoveryUri.toURL()).getContent());
        } catch (IOException e) {
            throw new JWKSetUnavailableException("discovery of " + issuer + " unavailable: " + e.getClass().getSimpleName(), e);
        } catch (ParseException e) {
            throw new JWKSetUnavailableException("discovery document of " + issuer + " is not JSON", e);
        }
        final Object declared = doc.get("issuer");
        if (!issuer.equals(declared)) {
            throw new JWKSetUnavailableException("discovery document names issuer '" + declared + "', expected " + issuer);
        }
        final Object jwks = doc.get("jwks_uri");
        if (!(jwks instanceof String s)) {
            throw new JWKSetUnavailableException("discovery document of " + issuer + " has no jwks_uri");
        }
        final URI uri;
        try {
            uri = URI.create(s);
        } catch (IllegalArgumentException e) {
            throw new JWKSetUnavailableException("jwks_uri of " + issuer + " is not a URI", e);
        }
        final boolean https = "https".equalsIgnoreCase(uri.getScheme());
        final boolean issuerHttps = discoveryUri.getScheme() != null && "https".equalsIgnoreCase(discoveryUri.getScheme());
        if (!https && (issuerHttps || !"http".equalsIgnoreCase(uri.getScheme()))) {
            throw new JWKSetUnavailableException("jwks_uri of " + issuer + " must be https");
        }
        try {
            return uri.toURL();
        } catch (IOException | IllegalArgumentException e) {
            throw new JWKSetUnavailableException("jwks_uri of " + issuer + " is not a URL", e);
        }
    }

    /** Time (as passed in by the caching layers) of the last successful key-set fetch. */
    long lastSuccess() {
        final Fetched fetched = last;
        return fetched == null ? Long.MIN_VALUE : fetched.at();
    }

    /** The last key set fetched (the very object nimbus' cache holds and hands out), or null before the first. */
    Fetched last() {
        return last;
    }

    @Override
    public void close() {
        // nothing held open: every fetch is its own HTTP exchange
    }
}
