package io.caravan.mqttacl;

import java.util.Set;

/**
 * The questions other flows (events fan-out) ask the registry. Answers come from the in-memory
 * cache, kept exact by Redis pub/sub invalidation; {@link RegistryUnavailableException} when Redis
 * is unreachable and the answer is not cached.
 */
public interface DeviceOwnership {

    /** The users that own {@code deviceId} (empty for an unknown device). */
    Set<String> ownersOf(String deviceId);

    /** Whether {@code user} owns {@code deviceId}. */
    boolean owns(String user, String deviceId);

    /** The devices {@code user} owns. */
    Set<String> devicesOf(String user);
}
