package io.caravan.oauth2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.caravan.common.Problem;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.Service;
import org.apache.camel.spi.Policy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the steps it wraps with an OAuth2 bearer token (RFC 6750) carrying the configured scopes.
 * Usable by every flow without redefining the verifier:
 * <pre>
 * - beans:
 *     - name: myFlowReadPolicy
 *       type: io.caravan.oauth2.BearerTokenPolicy
 *       properties: {scopes: "devices:read"}
 * ...
 *       steps:
 *         - policy:
 *             ref: myFlowReadPolicy
 *             steps: [...]
 * </pre>
 * or {@code .policy(new BearerTokenPolicy("devices:read"))} in the Java DSL.
 *
 * <p>The single {@link TokenVerifier} of the runtime is looked up in the Camel registry as
 * {@value #VERIFIER_NAME}; when absent it is built once from the context's {@code oauth2.*}
 * properties and bound there. The token is read from the {@code Authorization} header only (an
 * {@code access_token} query parameter is removed and never used).
 *
 * <p>Success: exchange property {@value #PRINCIPAL_PROPERTY} = {@link VerifiedPrincipal}, headers
 * {@code CaravanPrincipal{Subject,ClientId,Issuer,Scopes}} (any the caller sent are removed first),
 * and no {@code Authorization} header downstream. Failure: the exchange stops with 401/403 (400 for
 * several Authorization headers), a {@code WWW-Authenticate: Bearer} challenge and an RFC 9457 body.
 */
public final class BearerTokenPolicy implements Policy, CamelContextAware {

    public static final String VERIFIER_NAME = "oauth2Verifier";
    public static final String PRINCIPAL_PROPERTY = "caravan.principal";
    public static final String HEADER_PREFIX = "CaravanPrincipal";
    public static final String HEADER_SUBJECT = "CaravanPrincipalSubject";
    public static final String HEADER_CLIENT_ID = "CaravanPrincipalClientId";
    public static final String HEADER_ISSUER = "CaravanPrincipalIssuer";
    public static final String HEADER_SCOPES = "CaravanPrincipalScopes";

    private static final Logger LOG = LoggerFactory.getLogger(BearerTokenPolicy.class);
    private static final String QUERY_TOKEN = "access_token";

    private CamelContext camelContext;
    private Set<String> scopes = Set.of();
    private volatile TokenVerifier verifier;

    public BearerTokenPolicy() {
    }

    /** @param scopes required scopes, separated by spaces or commas (empty: any valid token) */
    public BearerTokenPolicy(final String scopes) {
        setScopes(scopes);
    }

    /** Required scopes, separated by spaces or commas. */
    public void setScopes(final String scopes) {
        final Set<String> parsed = scopes == null ? Set.of()
                : Set.copyOf(new LinkedHashSet<>(Arrays.stream(scopes.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList()));
        for (final String scope : parsed) {
            if (!scope.matches("[\\x21\\x23-\\x5B\\x5D-\\x7E]+")) { // RFC 6749 scope-token
                throw new IllegalArgumentException("not a valid scope: " + scope);
            }
        }
        this.scopes = parsed;
    }

    public String getScopes() {
        return String.join(" ", new java.util.TreeSet<>(scopes));
    }

    /** Uses this verifier instead of the registry's (tests, Java DSL). */
    public void setVerifier(final TokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public void setCamelContext(final CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void beforeWrap(final Route route, final NamedNode definition) {
        if (camelContext == null) {
            camelContext = route.getCamelContext();
        }
    }

    @Override
    public Processor wrap(final Route route, final Processor processor) {
        if (verifier == null) {
            verifier = verifierOf(camelContext != null ? camelContext : route.getCamelContext());
        }
        final String routeId = route.getRouteId();
        return new DelegateAsyncProcessor(processor) {
            @Override
            public boolean process(final Exchange exchange, final AsyncCallback callback) {
                if (!authorize(exchange, routeId)) {
                    exchange.setRouteStop(true);
                    callback.done(true);
                    return true;
                }
                return super.process(exchange, callback);
            }

            @Override
            public String toString() {
                return "BearerTokenPolicy[" + getScopes() + "]";
            }
        };
    }

    /**
     * The runtime's one verifier: from the registry, or built from {@code oauth2.*} and bound there.
     */
    public static TokenVerifier verifierOf(final CamelContext context) {
        synchronized (context) {
            final TokenVerifier bound = context.getRegistry().lookupByNameAndType(VERIFIER_NAME, TokenVerifier.class);
            if (bound != null) {
                return bound;
            }
            final OAuth2Settings settings = OAuth2Settings.from(key -> context.getPropertiesComponent().resolveProperty(key));
            final TokenVerifier created = new TokenVerifier(settings);
            context.getRegistry().bind(VERIFIER_NAME, TokenVerifier.class, created);
            try {
                context.addService(new Service() {
                    @Override
                    public void start() {
                        // the verifier fetches keys lazily, on the first token
                    }

                    @Override
                    public void stop() {
                        created.close();
                    }
                }, true, true);
            } catch (Exception e) {
                throw new IllegalStateException("cannot register the oauth2 verifier's shutdown", e);
            }
            LOG.info("oauth2 verifier built from oauth2.* properties: issuers {}",
                    settings.issuers().stream().map(IssuerSettings::uri).toList());
            return created;
        }
    }

    /**
     * @return true when the exchange may proceed; otherwise the reply is already set
     */
    boolean authorize(final Exchange exchange, final String routeId) {
        final Message in = exchange.getMessage();
        stripCallerSuppliedHeaders(in);
        final VerifiedPrincipal earlier = exchange.getProperty(PRINCIPAL_PROPERTY, VerifiedPrincipal.class);
        if (earlier != null) {
            // an outer policy of this exchange verified the token already (properties never come from callers)
            return permit(exchange, in, earlier, routeId);
        }
        final Object authorization = in.removeHeader("Authorization");
        if (authorization instanceof Iterable<?> || authorization instanceof Object[]) {
            refuse(in, 400, "Bad Request", "invalid_request", "several Authorization headers", null);
            return false;
        }
        final String header = authorization == null ? null : authorization.toString();
        final String token = bearerToken(header);
        if (token == null) {
            LOG.debug("route {}: no bearer token", routeId);
            refuse(in, 401, "Unauthorized", null, "bearer token required", null);
            return false;
        }
        final VerifiedPrincipal principal;
        try {
            if (header.length() > verifier.settings().maxTokenLength()) {
                throw new TokenRejectedException("token too large");
            }
            principal = verifier.verify(token);
        } catch (TokenRejectedException e) {
            LOG.debug("route {}: bearer token rejected: {} (iss={}, kid={})", routeId, e.getMessage(), e.issuer(), e.keyId());
            refuse(in, 401, "Unauthorized", "invalid_token", e.getMessage(), null);
            return false;
        }
        return permit(exchange, in, principal, routeId);
    }

    private boolean permit(final Exchange exchange, final Message in, final VerifiedPrincipal principal, final String routeId) {
        if (!principal.hasScopes(scopes)) {
            LOG.debug("route {}: client {} lacks scopes {}", routeId, principal.clientId(), getScopes());
            refuse(in, 403, "Forbidden", "insufficient_scope", "scope required: " + getScopes(), getScopes());
            return false;
        }
        exchange.setProperty(PRINCIPAL_PROPERTY, principal);
        in.setHeader(HEADER_SUBJECT, principal.subject());
        in.setHeader(HEADER_CLIENT_ID, principal.clientId());
        in.setHeader(HEADER_ISSUER, principal.issuer());
        in.setHeader(HEADER_SCOPES, principal.scopeString());
        return true;
    }

    /** The token after {@code Bearer } (scheme case-insensitive), or {@code null} when there is none. */
    static String bearerToken(final String header) {
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        final String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    /** Removes principal headers a caller sent and any {@code access_token} query parameter. */
    private static void stripCallerSuppliedHeaders(final Message in) {
        final List<String> names = new ArrayList<>(in.getHeaders().keySet());
        for (final String name : names) {
            if (name.regionMatches(true, 0, HEADER_PREFIX, 0, HEADER_PREFIX.length())
                    || name.equalsIgnoreCase(QUERY_TOKEN)) {
                in.removeHeader(name);
            }
        }
        final String query = in.getHeader(Exchange.HTTP_QUERY, String.class);
        if (query != null && query.toLowerCase(Locale.ROOT).contains(QUERY_TOKEN)) {
            final String kept = String.join("&", Arrays.stream(query.split("&"))
                    .filter(p -> !p.toLowerCase(Locale.ROOT).startsWith(QUERY_TOKEN + "=") && !p.equalsIgnoreCase(QUERY_TOKEN))
                    .toList());
            if (kept.isEmpty()) {
                in.removeHeader(Exchange.HTTP_QUERY);
            } else {
                in.setHeader(Exchange.HTTP_QUERY, kept);
            }
            in.removeHeader(Exchange.HTTP_RAW_QUERY);
            in.removeHeader(Exchange.HTTP_URL);
            in.removeHeader(Exchange.HTTP_URI);
        }
    }

    private void refuse(final Message in, final int status, final String title, final String error,
            final String description, final String scope) {
        final StringBuilder challenge = new StringBuilder("Bearer realm=\"").append(verifier.settings().realm()).append('"');
        if (error != null) {
            challenge.append(", error=\"").append(error).append('"');
            challenge.append(", error_description=\"").append(description).append('"');
        }
        if (scope != null) {
            challenge.append(", scope=\"").append(scope).append('"');
        }
        in.removeHeaders("*");
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        in.setHeader(Exchange.CONTENT_TYPE, Problem.CONTENT_TYPE);
        in.setHeader("WWW-Authenticate", challenge.toString());
        final Problem problem = Problem.of(status, title, description);
        if (error != null) {
            problem.with("error", error);
        }
        in.setBody(problem.toJson());
    }
}
