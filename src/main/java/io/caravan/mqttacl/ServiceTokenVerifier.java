package io.caravan.mqttacl;

import java.util.Optional;
import java.util.Set;

/** Verifies an OAuth2 access token presented as MQTT password by a service. */
public interface ServiceTokenVerifier {

    /** What a verified token says. */
    record Verified(String subject, String clientId, Set<String> scopes, long expiresAtMillis) {
    }

    /** The token's claims when its signature, issuer and expiry check out; empty otherwise. */
    Optional<Verified> verify(String accessToken);

    /** A verifier that accepts nothing (service login disabled). */
    ServiceTokenVerifier NONE = token -> Optional.empty();
}
