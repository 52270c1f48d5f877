package io.caravan.mqttacl;

import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three questions Mosquitto's auth plugins ask, dialect-free: may this username/password
 * connect, is this username a superuser, may it read/write/subscribe this topic. Every failure
 * (unknown user, Redis down with nothing cached, a malformed stored value) is a denial.
 * <p>
 * Web users connect with their user id as username and their MQTT token as password (Mosquitto
 * logs usernames, never passwords); the ACL callbacks, which see the username only, then go by the
 * token that user last connected with ({@link RedisRegistry#userSession}), so a revoked or expired
 * token ends its rights at once. The old form (the token as username) only with {@code tokenAsUsername}.
 * No token or password is ever logged: a username that may be a token is logged as its prefix.
 * <p>
 * Superuser rights need a password check of this service ({@link RedisRegistry#superuserSessionUntil}):
 * a client whose username comes from its certificate (use_identity_as_username, no /auth call) never
 * gets them, whatever its CN. Each /superuser answer of a live session extends it (written to Redis
 * at most once per half session).
 */
public final class MqttAuth {

    private static final Logger LOG = LoggerFactory.getLogger(MqttAuth.class);

    private final Superusers superusers;
    private final RedisRegistry registry;
    private final AclPolicy policy;
    private final ServiceTokenVerifier verifier;
    private final String tokenPrefix;
    private final String serviceScope;
    private final boolean tokenAsUsername;
    private final long superuserSessionMillis;

    public MqttAuth(final Superusers superusers, final RedisRegistry registry, final AclPolicy policy,
            final ServiceTokenVerifier verifier, final String tokenPrefix, final String serviceScope) {
        this(superusers, registry, policy, verifier, tokenPrefix, serviceScope, false, 86_400);
    }

    /**
     * @param tokenAsUsername        also accept the old form: the MQTT token as username (any password)
     * @param superuserSessionSeconds how long superuser rights last after a password check without a
     *                               /superuser call of that name (each call extends them)
     */
    public MqttAuth(final Superusers superusers, final RedisRegistry registry, final AclPolicy policy,
            final ServiceTokenVerifier verifier, final String tokenPrefix, final String serviceScope,
            final boolean tokenAsUsername, final long superuserSessionSeconds) {
        if (superuserSessionSeconds < 1) {
            throw new IllegalArgumentException("superuserSessionSeconds must be positive");
        }
        this.superuserSessionMillis = superuserSessionSeconds * 1000L;
        this.tokenAsUsername = tokenAsUsername;
        this.superusers = superusers;
        this.registry = registry;
        this.policy = policy;
        this.verifier = verifier == null ? ServiceTokenVerifier.NONE : verifier;
        this.tokenPrefix = tokenPrefix;
        this.serviceScope = serviceScope;
    }

    /** CONNECT: username and password (clientid may be empty: the legacy plugin does not send it). */
    public boolean authenticate(final String username, final String password, final String clientId) {
        if (!MqttNames.isValidUserId(username) || !isSafeClient(clientId) || password == null || password.isEmpty()) {
            return false; // never reaches Redis: such a name could address another key (device x:owners)
        }
        try {
            if (superusers.isSuperuser(username)) {
                if (!superusers.check(username, password)) {
                    return false;
                }
                extendSuperuserSession(username, true);
                return true;
            }
            if (tokenAsUsername && username.startsWith(tokenPrefix)) {
                return registry.token(username).isPresent();
            }
            if (looksLikeJwt(password) && authenticateService(username, password)) {
                return true;
            }
            final Optional<Device> device = MqttNames.isValidDeviceId(username) ? registry.device(username) : Optional.empty();
            if (device.isPresent()) {
                return device.get().hasSecret() && Secrets.verify(password, device.get().secretHash());
            }
            if (password.startsWith(tokenPrefix) && authenticateUser(username, password)) {
                return true;
            }
            // nobody (or a failed token): the same limited slow check as a superuser's, so nothing tells the two apart
            return superusers.check(username, password);
        } catch (RuntimeException e) {
            LOG.debug("auth of {} denied: {}", loggable(username), e.toString());
            return false;
        }
    }

    /** A web user: username = their user id, password = an MQTT token of theirs that is still valid. */
    private boolean authenticateUser(final String username, final String token) {
        final Optional<RedisRegistry.Token> t = registry.token(token);
        if (t.isEmpty() || !t.get().subject().equals(username)) {
            return false;
        }
        registry.rememberUserSession(username, Secrets.tokenKey(token), t.get().expiresAtMillis());
        return true;
    }

    /** A username for a log line: one that may be an MQTT token is cut to its prefix. */
    private String loggable(final String username) {
        return username != null && username.startsWith(tokenPrefix) ? tokenPrefix + "…" : username;
    }

    /** /superuser: a configured superuser name whose password this service checked (never a bare certificate CN). */
    public boolean isSuperuser(final String username) {
        if (!MqttNames.isValidUserId(username) || !superusers.isSuperuser(username)) {
            return false;
        }
        try {
            return extendSuperuserSession(username, false);
        } catch (RuntimeException e) {
            LOG.debug("superuser check of {} denied: {}", username, e.toString());
            return false;
        }
    }

    /**
     * Whether superuser {@code name} has a live session; extends it when {@code fresh} (a password was
     * just checked) or when it is past half its life. Redis down: answers from the cache or throws.
     */
    private boolean extendSuperuserSession(final String name, final boolean fresh) {
        final long now = System.currentTimeMillis();
        if (!fresh) {
            final long until = registry.superuserSessionUntil(name);
            if (until <= now) {
                return false;
            }
            if (until - now >= superuserSessionMillis / 2) {
                return true;
            }
        }
        try {
            registry.rememberSuperuserSession(name, now + superuserSessionMillis);
        } catch (RegistryUnavailableException e) {
            // Redis down: this replica remembers it (logged once by the registry); superusers need no Redis to log in
        }
        return true;
    }

    public boolean acl(final String username, final String clientId, final String topic, final Access access) {
        if (!MqttNames.isValidUserId(username) || !isSafeClient(clientId)) {
            return false;
        }
        try {
            final Identity who = identify(username);
            if (who == null) {
                return false;
            }
            final Set<String> owned = who.kind() == Identity.Kind.USER ? registry.devicesOf(who.subject()) : Set.of();
            return policy.allowed(who, clientId, topic, access, owned);
        } catch (RuntimeException e) {
            LOG.debug("acl of {} on {} denied: {}", loggable(username), topic, e.toString());
            return false;
        }
    }

    /** Who the username stands for, or null when nobody (unknown, expired, revoked). */
    Identity identify(final String username) {
        if (superusers.isSuperuser(username)) {
            return registry.superuserSessionUntil(username) > System.currentTimeMillis() ? Identity.superuser(username) : null;
        }
        if (tokenAsUsername && username.startsWith(tokenPrefix)) {
            return registry.token(username).map(t -> Identity.user(username, t.subject())).orElse(null);
        }
        if (username.startsWith(tokenPrefix)) {
            return null;
        }
        final boolean device = MqttNames.isValidDeviceId(username) && registry.device(username).isPresent();
        final boolean user = registry.userSession(username).isPresent();
        if (device) {
            return user ? null : Identity.device(username); // both: ambiguous, deny
        }
        if (user) {
            return Identity.user(username, username);
        }
        if (registry.isServiceSession(username)) {
            return Identity.service(username);
        }
        return null;
    }

    private boolean authenticateService(final String username, final String jwt) {
        final Optional<ServiceTokenVerifier.Verified> verified = verifier.verify(jwt);
        if (verified.isEmpty()) {
            return false;
        }
        final ServiceTokenVerifier.Verified v = verified.get();
        if (!username.equals(v.subject()) && !username.equals(v.clientId())) {
            return false;
        }
        if (serviceScope != null && !serviceScope.isBlank() && !v.scopes().contains(serviceScope)) {
            return false;
        }
        registry.rememberService(username, v.expiresAtMillis());
        return true;
    }

    private static boolean isSafeClient(final String clientId) {
        return clientId == null || MqttNames.LEGACY_NO_CLIENT_ID.equals(clientId) || MqttNames.isSafeClientId(clientId);
    }

    static boolean looksLikeJwt(final String password) {
        if (!password.startsWith("eyJ")) {
            return false;
        }
        int dots = 0;
        for (int i = 0; i < password.length(); i++) {
            if (password.charAt(i) == '.') {
                dots++;
            }
        }
        return dots == 2;
    }
}
