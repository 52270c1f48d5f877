package io.caravan.mqttacl;

import io.caravan.common.Problem;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of {@link MqttAuth} for both plugin dialects: one method per callback, each reading
 * the raw request body and answering with a status code only (plus the go-auth body of the chosen
 * response mode). Malformed → 400 problem+json; anything unexpected → 403, never 5xx (which would
 * make the legacy plugin retry and then drop the client).
 */
public final class MqttAclCallbacks {

    private static final Logger LOG = LoggerFactory.getLogger(MqttAclCallbacks.class);
    static final int MAX_BODY = 16 * 1024;

    private final MqttAuth auth;
    private final LegacyDialect legacy;
    private final GoAuthDialect goAuth;

    /** For YAML beans: the legacy plugin's client-id escaping and go-auth's response mode. */
    public MqttAclCallbacks(final MqttAuth auth, final boolean legacyClientIdEscaped, final String goAuthResponseMode) {
        this(auth, new LegacyDialect(legacyClientIdEscaped), new GoAuthDialect(goAuthResponseMode));
    }

    public MqttAclCallbacks(final MqttAuth auth, final LegacyDialect legacy, final GoAuthDialect goAuth) {
        this.auth = auth;
        this.legacy = legacy;
        this.goAuth = goAuth;
    }

    /** The dialect-free outcome of one callback. */
    public record Outcome(int status, String contentType, String body) {
    }

    public enum Callback { AUTH, SUPERUSER, ACL }

    // ------------------------------------------------------------- pure (unit-tested) entry points

    public Outcome legacy(final Callback callback, final byte[] body) {
        try {
            final CallbackRequest r = legacy.parse(checkSize(body));
            final boolean allowed = decide(callback, r);
            return new Outcome(allowed ? 200 : 403, null, "");
        } catch (IllegalArgumentException e) {
            return badRequest(e);
        } catch (RuntimeException e) {
            LOG.debug("legacy {} failed, denied: {}", callback, e.toString());
            return new Outcome(403, null, "");
        }
    }

    public Outcome goAuth(final Callback callback, final byte[] body, final String contentType) {
        try {
            final CallbackRequest r = goAuth.parse(checkSize(body), contentType);
            final boolean allowed = decide(callback, r);
            return new Outcome(allowed ? 200 : 403, goAuth.mode() == GoAuthDialect.ResponseMode.STATUS ? null : goAuth.contentType(),
                    goAuth.body(allowed));
        } catch (IllegalArgumentException e) {
            return badRequest(e);
        } catch (RuntimeException e) {
            LOG.debug("go-auth {} failed, denied: {}", callback, e.toString());
            return new Outcome(403, null, goAuth.body(false));
        }
    }

    private boolean decide(final Callback callback, final CallbackRequest r) {
        return switch (callback) {
            case AUTH -> {
                if (r.password() == null) {
                    throw new IllegalArgumentException("password missing");
                }
                yield auth.authenticate(r.username(), r.password(), r.clientId());
            }
            case SUPERUSER -> auth.isSuperuser(r.username());
            case ACL -> {
                if (r.topic() == null || r.topic().isEmpty()) {
                    throw new IllegalArgumentException("topic missing");
                }
                if (r.clientId() == null) {
                    throw new IllegalArgumentException("clientid missing");
                }
                yield auth.acl(r.username(), r.clientId(), r.topic(), Access.parse(r.acc()));
            }
        };
    }

    private static byte[] checkSize(final byte[] body) {
        if (body == null) {
            return new byte[0];
        }
        if (body.length > MAX_BODY) {
            throw new IllegalArgumentException("body larger than " + MAX_BODY + " bytes");
        }
        return body;
    }

    private static Outcome badRequest(final IllegalArgumentException e) {
        return new Outcome(400, Problem.CONTENT_TYPE, Problem.of(400, "Bad Request", e.getMessage()).toJson());
    }

    // ------------------------------------------------------------- Camel wiring (one per route)

    public void legacyAuth(final Exchange exchange) {
        answer(exchange, legacy(Callback.AUTH, body(exchange)));
    }

    public void legacySuperuser(final Exchange exchange) {
        answer(exchange, legacy(Callback.SUPERUSER, body(exchange)));
    }

    public void legacyAcl(final Exchange exchange) {
        answer(exchange, legacy(Callback.ACL, body(exchange)));
    }

    public void goAuthUser(final Exchange exchange) {
        answer(exchange, goAuth(Callback.AUTH, body(exchange), contentType(exchange)));
    }

    public void goAuthSuperuser(final Exchange exchange) {
        answer(exchange, goAuth(Callback.SUPERUSER, body(exchange), contentType(exchange)));
    }

    public void goAuthAcl(final Exchange exchange) {
        answer(exchange, goAuth(Callback.ACL, body(exchange), contentType(exchange)));
    }

    private static byte[] body(final Exchange exchange) {
        return exchange.getMessage().getBody(byte[].class);
    }

    private static String contentType(final Exchange exchange) {
        return exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
    }

    /** Replaces the request headers (never echoed back) with the answer's. */
    private static void answer(final Exchange exchange, final Outcome outcome) {
        final Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, outcome.status());
        if (outcome.contentType() != null) {
            message.setHeader(Exchange.CONTENT_TYPE, outcome.contentType());
        }
        message.setBody(outcome.body());
    }
}
