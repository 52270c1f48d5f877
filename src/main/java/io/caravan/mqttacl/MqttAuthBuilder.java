package io.caravan.mqttacl;

/**
 * Builds {@link MqttAuth} from flat properties (YAML {@code beans:} with {@code builderClass}).
 * Defaults are those of routes/mqtt-acl/application.properties.
 */
public final class MqttAuthBuilder {

    private RedisRegistry registry;
    private ServiceTokenVerifier verifier = ServiceTokenVerifier.NONE;
    private String superusers = "";
    private long superuserCacheSeconds = 60;
    private int superuserMaxFailures = Superusers.Limits.DEFAULTS.maxFailures();
    private long superuserFailureWindowSeconds = Superusers.Limits.DEFAULTS.failureWindowSeconds();
    private int superuserMaxConcurrentHashes = Superusers.Limits.DEFAULTS.maxConcurrentHashes();
    private long superuserHashWaitMillis = Superusers.Limits.DEFAULTS.hashWaitMillis();
    private long superuserTrackedNames = Superusers.Limits.DEFAULTS.trackedNames();
    private int superuserMaxHashesPerSecond = Superusers.Limits.DEFAULTS.maxHashesPerSecond();
    private String tokenPrefix = "mqtt_";
    private boolean tokenAsUsername;
    private long superuserSessionSeconds = 86_400;
    private String serviceScope = "mqtt:service";
    private String deviceWrite = String.join(",", AclTemplates.DEFAULTS.deviceWrite());
    private String deviceRead = String.join(",", AclTemplates.DEFAULTS.deviceRead());
    private String userWrite = String.join(",", AclTemplates.DEFAULTS.userWrite());
    private String userRead = String.join(",", AclTemplates.DEFAULTS.userRead());
    private String serviceWrite = String.join(",", AclTemplates.DEFAULTS.serviceWrite());
    private String serviceRead = String.join(",", AclTemplates.DEFAULTS.serviceRead());

    public MqttAuth build() {
        if (registry == null) {
            throw new IllegalArgumentException("registry is required");
        }
        if (tokenPrefix == null || tokenPrefix.length() < 3) {
            throw new IllegalArgumentException("tokenPrefix must have 3 characters at least");
        }
        final Superusers.Limits limits = new Superusers.Limits(superuserMaxFailures, superuserFailureWindowSeconds,
                superuserMaxConcurrentHashes, superuserHashWaitMillis, superuserTrackedNames, superuserMaxHashesPerSecond);
        return new MqttAuth(new Superusers(superusers, superuserCacheSeconds, java.time.Clock.systemUTC(), limits), registry,
                new AclPolicy(AclTemplates.of(deviceWrite, deviceRead, userWrite, userRead, serviceWrite, serviceRead)),
                verifier, tokenPrefix, serviceScope, tokenAsUsername, superuserSessionSeconds);
    }

    public void setRegistry(final RedisRegistry registry) {
        this.registry = registry;
    }

    public void setVerifier(final ServiceTokenVerifier verifier) {
        this.verifier = verifier;
    }

    public void setSuperusers(final String superusers) {
        this.superusers = superusers;
    }

    public void setSuperuserCacheSeconds(final long superuserCacheSeconds) {
        this.superuserCacheSeconds = superuserCacheSeconds;
    }

    public void setSuperuserMaxFailures(final int superuserMaxFailures) {
        this.superuserMaxFailures = superuserMaxFailures;
    }

    public void setSuperuserFailureWindowSeconds(final long superuserFailureWindowSeconds) {
        this.superuserFailureWindowSeconds = superuserFailureWindowSeconds;
    }

    public void setSuperuserMaxConcurrentHashes(final int superuserMaxConcurrentHashes) {
        this.superuserMaxConcurrentHashes = superuserMaxConcurrentHashes;
    }

    public void setSuperuserHashWaitMillis(final long superuserHashWaitMillis) {
        this.superuserHashWaitMillis = superuserHashWaitMillis;
    }

    public void setSuperuserMaxHashesPerSecond(final int superuserMaxHashesPerSecond) {
        this.superuserMaxHashesPerSecond = superuserMaxHashesPerSecond;
    }

    public void setSuperuserTrackedNames(final long superuserTrackedNames) {
        this.superuserTrackedNames = superuserTrackedNames;
    }

    public void setTokenPrefix(final String tokenPrefix) {
        this.tokenPrefix = tokenPrefix;
    }

    public void setSuperuserSessionSeconds(final long superuserSessionSeconds) {
        this.superuserSessionSeconds = superuserSessionSeconds;
    }

    public void setTokenAsUsername(final boolean tokenAsUsername) {
        this.tokenAsUsername = tokenAsUsername;
    }

    public void setServiceScope(final String serviceScope) {
        this.serviceScope = serviceScope;
    }

    public void setDeviceWrite(final String deviceWrite) {
        this.deviceWrite = deviceWrite;
    }

    public void setDeviceRead(final String deviceRead) {
        this.deviceRead = deviceRead;
    }

    public void setUserWrite(final String userWrite) {
        this.userWrite = userWrite;
    }

    public void setUserRead(final String userRead) {
        this.userRead = userRead;
    }

    public void setServiceWrite(final String serviceWrite) {
        this.serviceWrite = serviceWrite;
    }

    public void setServiceRead(final String serviceRead) {
        this.serviceRead = serviceRead;
    }
}
