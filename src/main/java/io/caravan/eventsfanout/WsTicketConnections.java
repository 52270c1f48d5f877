package io.caravan.eventsfanout;

import java.util.Set;

import io.caravan.common.SocketRegistry;

/** {@link Connections} on the ws-ticket flow's registry (bean {@code wsTicketConnections}). */
public final class WsTicketConnections implements Connections {

    private final SocketRegistry registry;

    public WsTicketConnections(final SocketRegistry registry) {
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
        return registry.isOpen(connectionKey);
    }
}
