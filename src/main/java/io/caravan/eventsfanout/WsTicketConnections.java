package io.caravan.eventsfanout;

import java.util.Set;

import io.caravan.wsticket.ConnectionRegistry;

/** {@link Connections} on the ws-ticket flow's registry (bean {@code wsTicketConnections}). */
public final class WsTicketConnections implements Connections {

    private final ConnectionRegistry registry;

    public WsTicketConnections(final ConnectionRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Set<String> connectionsOf(final String subject) {
        return registry.connectionsOf(subject);
    }

    @Override
    public Set<String> subjects() {
        return registry.subjects();
    }

    @Override
    public boolean isOpen(final String connectionKey) {
        return registry.subjectOf(connectionKey).isPresent();
    }
}
