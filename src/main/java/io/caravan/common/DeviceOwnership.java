package io.caravan.common;

import java.util.Set;

/**
 * Who may see and command a device: the contract between the flow that keeps the device registry
 * (mqtt-acl's {@code mqttAclRegistry}) and the flows that ask (events-fanout), wired by bean reference
 * in YAML ({@code "#bean:mqttAclRegistry"}). Both methods throw an unchecked exception when the answer
 * cannot be known right now (the registry unreachable and nothing cached): callers fail closed.
 */
public interface DeviceOwnership {

    /** The users that own {@code deviceId} (empty for an unknown device). */
    Set<String> ownersOf(String deviceId);

    /** Whether {@code user} owns {@code deviceId}. */
    boolean owns(String user, String deviceId);
}
