package io.caravan.oauth2;

import io.caravan.common.Problem;
import org.apache.camel.Exchange;

/** The beans of the oauth2 flow's own routes: {@code GET /api/whoami} and its error answer. */
public final class WhoAmI {

    /** The verified principal as JSON; only behind a {@link BearerTokenPolicy}. */
    public String describe(final Exchange exchange) {
        final VerifiedPrincipal principal = exchange.getProperty(BearerTokenPolicy.PRINCIPAL_PROPERTY, VerifiedPrincipal.class);
        if (principal == null) {
            throw new IllegalStateException("no verified principal: the route is not guarded by BearerTokenPolicy");
        }
        return principal.toJson();
    }

    /** 500 with an RFC 9457 body; the exception text stays in the log. */
    public void internalError(final Exchange exchange) {
        Problem.of(500, "Internal Server Error", "the request could not be completed").answer(exchange.getMessage());
    }
}
