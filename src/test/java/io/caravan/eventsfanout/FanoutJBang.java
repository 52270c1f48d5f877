package io.caravan.eventsfanout;

import java.util.List;
import java.util.Map;

import io.caravan.common.JBangFlow;

/**
 * events-fanout under Camel JBang's runtime, with the two flows it builds on, in its own JVM, as
 * an operator runs it without the Spring Boot gateway:
 * <pre>
 *   camel run routes/ws-ticket/ws-ticket.camel.yaml routes/mqtt-acl/mqtt-acl.camel.yaml routes/events-fanout/events-fanout.camel.yaml \
 *     routes/ws-ticket/application.properties routes/mqtt-acl/application.properties routes/events-fanout/application.properties \
 *     --prop=ws-ticket.ws.message-route=events-fanout-command
 * </pre>
 * (this flow writes to ws-ticket's sockets and asks mqtt-acl's registry, so it cannot run without their beans.)
 */
final class FanoutJBang {

    static final List<String> FLOWS = List.of("ws-ticket", "mqtt-acl", "events-fanout");

    private FanoutJBang() {
    }

    static JBangFlow start(final int httpPort, final Map<String, String> props) {
        return start(httpPort, props, "-Xmx512m");
    }

    /** As {@link #start(int, Map)} with the given JVM heap option (the benchmark uses -Xmx1g). */
    static JBangFlow start(final int httpPort, final Map<String, String> props, final String heap) {
        final Map<String, String> composed = new java.util.HashMap<>(props);
        composed.putIfAbsent("ws-ticket.ws.message-route", "events-fanout-command");
        return JBangFlow.start("events-fanout", FLOWS, httpPort, composed, heap);
    }
}
