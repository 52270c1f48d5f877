package io.caravan.mqttacl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.common.Problem;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The registry's REST API (behind the oauth2 policy) and the MQTT token endpoint for web users.
 * Each method reads the request from the exchange and leaves the answer (status, JSON body) on it;
 * errors are thrown and turned into problem+json by {@link #problem(Exchange)}.
 */
public final class MqttAclAdmin {

    /** The principal header the oauth2 policy sets. */
    public static final String SUBJECT_HEADER = "CaravanPrincipalSubject";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RedisRegistry registry;
    private final String tokenPrefix;
    private final long tokenTtlSeconds;
    private final java.util.Set<String> reservedNames;

    /** Thrown for an unknown device or token: 404. */
    public static final class NotFoundException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NotFoundException(final String message) {
            super(message);
        }
    }

    public MqttAclAdmin(final RedisRegistry registry, final String tokenPrefix, final long tokenTtlSeconds,
            final String superusers) {
        this.registry = registry;
        this.tokenPrefix = tokenPrefix;
        this.tokenTtlSeconds = tokenTtlSeconds;
        this.reservedNames = Superusers.parse(superusers).keySet();
    }

    // ---------------------------------------------------------------- devices

    /** POST /api/devices {"id","owners":[..],"secret":true|false} → 201 {"id","secret"?}; GET /api/devices?owner=u. */
    public void devices(final Exchange exchange) {
        final Message in = exchange.getMessage();
        if ("GET".equals(method(in))) {
            final String owner = requireUser(in.getHeader("owner", String.class));
            reply(in, 200, Map.of("owner", owner, "devices", new TreeSet<>(registry.devicesOf(owner))));
            return;
        }
        final JsonNode body = json(in);
        final String id = body.path("id").asText("");
        requireDeviceId(id);
        final boolean withSecret = body.path("secret").asBoolean(true);
        final List<String> owners = new ArrayList<>();
        for (final JsonNode o : body.path("owners")) {
            owners.add(requireUser(o.asText(null)));
        }
        final String secret = registry.register(id, withSecret, owners);
        final Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", id);
        answer.put("owners", new TreeSet<>(owners));
        if (secret != null) {
            answer.put("secret", secret);
        }
        reply(in, 201, answer);
    }

    /** GET /api/devices/{id} → 200 {"id","owners","hasSecret","created"}; DELETE → 204. */
    public void device(final Exchange exchange) {
        final Message in = exchange.getMessage();
        final String id = in.getHeader("id", String.class);
        requireDeviceId(id);
        if ("DELETE".equals(method(in))) {
            if (!registry.unregister(id)) {
                throw new NotFoundException("device " + id + " is not registered");
            }
            reply(in, 204, null);
            return;
        }
        registry.invalidate("device:" + id); // an admin read is always fresh
        final Device d = registry.device(id).orElseThrow(() -> new NotFoundException("device " + id + " is not registered"));
        final Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", d.id());
        answer.put("owners", new TreeSet<>(d.owners()));
        answer.put("hasSecret", d.hasSecret());
        answer.put("created", d.createdAt());
        reply(in, 200, answer);
    }

    /** POST /api/devices/{id}/secret → 200 {"id","secret"}: the old secret stops working at once. */
    public void rotateSecret(final Exchange exchange) {
        final Message in = exchange.getMessage();
        final String id = in.getHeader("id", String.class);
        requireDeviceId(id);
        final Optional<String> secret = registry.rotateSecret(id);
        reply(in, 200, Map.of("id", id, "secret",
                secret.orElseThrow(() -> new NotFoundException("device " + id + " is not registered"))));
    }

    /** PUT (assign) or DELETE (remove) /api/devices/{id}/owners/{user} → 204. */
    public void owner(final Exchange exchange) {
        final Message in = exchange.getMessage();
        final String id = in.getHeader("id", String.class);
        requireDeviceId(id);
        final String user = requireUser(in.getHeader("user", String.class));
        if (!registry.setOwner(id, user, !"DELETE".equals(method(in)))) {
            throw new NotFoundException("device " + id + " is not registered");
        }
        reply(in, 204, null);
    }

    // ---------------------------------------------------------------- MQTT tokens

    /**
     * POST /api/mqtt-tokens → 201 {"token","username","password","expiresIn"} for the caller (oauth2
     * subject): connect with username = the caller's user id, password = the token.
     */
    public void issueToken(final Exchange exchange) {
        final Message in = exchange.getMessage();
        final String subject = requireUser(in.getHeader(SUBJECT_HEADER, String.class));
        final String token = registry.issueToken(subject, tokenPrefix, tokenTtlSeconds);
        final Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("token", token);
        answer.put("username", subject);
        answer.put("password", token);
        answer.put("expiresIn", tokenTtlSeconds);
        reply(in, 201, answer);
    }

    /** POST /api/mqtt-tokens/revoke {"token"} → 204: the caller's token stops working at once. */
    public void revokeToken(final Exchange exchange) {
        final Message in = exchange.getMessage();
        final String subject = requireUser(in.getHeader(SUBJECT_HEADER, String.class));
        final String token = json(in).path("token").asText("");
        if (!token.startsWith(tokenPrefix)) {
            throw new IllegalArgumentException("token missing or not an MQTT token");
        }
        if (!registry.revokeToken(token, subject)) {
            throw new NotFoundException("no such token of yours");
        }
        reply(in, 204, null);
    }

    // ---------------------------------------------------------------- errors

    /** onException: the caught exception as problem+json with its status. */
    public void problem(final Exchange exchange) {
        final Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        final Problem p;
        if (e instanceof IllegalArgumentException) {
            p = Problem.of(400, "Bad Request", e.getMessage());
        } else if (e instanceof NotFoundException) {
            p = Problem.of(404, "Not Found", e.getMessage());
        } else if (e instanceof IllegalStateException) {
            p = Problem.of(409, "Conflict", e.getMessage());
        } else if (e instanceof RegistryUnavailableException) {
            p = Problem.of(503, "Service Unavailable", "device registry unavailable");
        } else {
            p = Problem.of(500, "Internal Server Error", "unexpected error");
        }
        p.answer(exchange.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    private void requireDeviceId(final String id) {
        if (!MqttNames.isValidDeviceId(id)) {
            throw new IllegalArgumentException("device id must be 1-128 of [A-Za-z0-9._-]");
        }
        if (id.startsWith(tokenPrefix) || reservedNames.contains(id)) {
            throw new IllegalArgumentException("device id " + id + " is reserved");
        }
    }

    private static String requireUser(final String user) {
        if (!MqttNames.isValidUserId(user)) {
            throw new IllegalArgumentException("user id missing or malformed: 1-256 characters, none of '/', '+', '#', ':',"
                    + " whitespace or control characters");
        }
        return user;
    }

    private static String method(final Message in) {
        return in.getHeader(Exchange.HTTP_METHOD, String.class);
    }

    private static JsonNode json(final Message in) {
        final byte[] body = in.getBody(byte[].class);
        if (body == null || body.length == 0) {
            throw new IllegalArgumentException("JSON body required");
        }
        try {
            final JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("JSON object required");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("body is not JSON", e);
        }
    }

    private static void reply(final Message out, final int status, final Object body) {
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (body == null) {
            out.setBody(null);
            return;
        }
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        try {
            out.setBody(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
