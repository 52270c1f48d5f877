package io.caravan.mqttacl;

import java.util.Set;

/** A registered device: its id, the stored hash of its secret (null: certificate only) and its owners. */
public record Device(String id, String secretHash, Set<String> owners, long createdAt) {

    public Device {
        owners = Set.copyOf(owners);
    }

    public boolean hasSecret() {
        return secretHash != null && !secretHash.isEmpty();
    }
}
