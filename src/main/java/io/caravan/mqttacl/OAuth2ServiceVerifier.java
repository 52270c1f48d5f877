package io.caravan.mqttacl;

import java.util.Optional;

import io.caravan.oauth2.BearerTokenPolicy;
import io.caravan.oauth2.TokenRejectedException;
import io.caravan.oauth2.TokenVerifier;
import io.caravan.oauth2.VerifiedPrincipal;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;

/**
 * Services' MQTT passwords (OAuth2 access tokens) checked by the oauth2 flow's one verifier of this
 * runtime (Camel registry "oauth2Verifier", built from the oauth2.* properties when absent).
 */
public final class OAuth2ServiceVerifier implements ServiceTokenVerifier, CamelContextAware {

    private CamelContext camelContext;
    private volatile TokenVerifier verifier;

    @Override
    public Optional<Verified> verify(final String accessToken) {
        TokenVerifier v = verifier;
        if (v == null) {
            if (camelContext == null) {
                return Optional.empty();
            }
            v = BearerTokenPolicy.verifierOf(camelContext);
            verifier = v;
        }
        try {
            final VerifiedPrincipal p = v.verify(accessToken);
            return Optional.of(new Verified(p.subject(), p.clientId(), p.scopes(), p.expiresAt().toEpochMilli()));
        } catch (TokenRejectedException e) {
            return Optional.empty();
        }
    }

    @Override
    public void setCamelContext(final CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
