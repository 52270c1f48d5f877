package io.caravan.eventsfanout;

import java.util.Set;

/**
 * The authenticated sockets of this gateway instance, by subject: the ws-ticket flow's connection
 * registry seen through the questions the fan-out asks (see {@link WsTicketConnections}).
 */
public interface Connections {

    /** Connection keys of {@code subject}'s open sockets (all tabs); empty when offline. */
    Set<String> connectionsOf(String subject);

    /** Subjects with at least one open socket. */
    Set<String> subjects();

    /** Whether {@code connectionKey} is an open, authenticated socket. */
    boolean isOpen(String connectionKey);
}
