package io.caravan.eventsfanout;

import java.util.Set;

/**
 * The authenticated sockets of this gateway instance, by subject: the shared
 * {@link io.caravan.common.SocketRegistry} seen through the questions the fan-out asks (plain Java, so that
 * {@link EventsFanout} is tested without a network).
 */
public interface Connections {

    /** Connection keys of {@code subject}'s open sockets (all tabs); empty when offline. */
    Set<String> connectionsOf(String subject);

    /** Subjects with at least one open socket. */
    Set<String> subjects();

    /** Whether {@code connectionKey} is an open, authenticated socket. */
    boolean isOpen(String connectionKey);
}
