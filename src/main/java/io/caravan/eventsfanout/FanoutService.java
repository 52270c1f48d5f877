package io.caravan.eventsfanout;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;

import io.caravan.common.DeviceOwnership;
import io.caravan.common.SocketRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flow's one bean, wired from YAML: AMQP events in ({@link #deliver}), WebSocket commands in
 * ({@link #command}), device state bridged ({@link #bridgeState}). Its collaborators are the shared
 * contracts of {@code io.caravan.common}, given by bean reference in YAML: the sockets
 * ({@link SocketRegistry}, ws-ticket's {@code wsTicketConnections}) and device ownership
 * ({@link DeviceOwnership}, mqtt-acl's {@code mqttAclRegistry}).
 */
public final class FanoutService {

    /** Header of the consumed message's routing key (spring-rabbitmq). */
    public static final String ROUTING_KEY = "CamelSpringRabbitmqRoutingKey";
    /** Header that sets the routing key of a published message (spring-rabbitmq). */
    public static final String ROUTING_OVERRIDE_KEY = "CamelSpringRabbitmqRoutingOverrideKey";
    /** Header of a received MQTT message's topic (paho-mqtt5). */
    public static final String MQTT_TOPIC = "CamelMqttTopic";
    /** Header that sets the topic of a published MQTT message (paho-mqtt5). */
    public static final String MQTT_OVERRIDE_TOPIC = "CamelPahoMqtt5OverrideTopic";
    /** Exchange properties the ws-ticket flow sets on an authenticated socket's MESSAGE. */
    public static final String WS_SUBJECT = "wsTicketSubject";
    public static final String WS_CONNECTION_KEY = "wsTicketConnectionKey";
    /** Exchange property: whether the exchange goes on to the broker (command or state). */
    public static final String FORWARD = "eventsFanoutForward";
    /** Exchange property: the message is no device command (it goes to the fallback endpoint). */
    public static final String NOT_A_COMMAND = "eventsFanoutNotACommand";
    /** Exchange property: the device of a command. */
    public static final String DEVICE_ID = "eventsFanoutDeviceId";

    private static final Logger LOG = LoggerFactory.getLogger(FanoutService.class);

    private SocketRegistry sockets;
    private DeviceOwnership ownership;
    private int bufferSize = 256;
    private int inFlight = 32;
    private String slowClientPolicy = "drop-oldest";

    private volatile EventsFanout fanout;

    /** Fans one consumed AMQP message out to the sockets of this instance. */
    public void deliver(final Exchange exchange) {
        final Message in = exchange.getMessage();
        final String routingKey = in.getHeader(ROUTING_KEY, String.class);
        final byte[] body = in.getBody(byte[].class);
        try {
            fanout().deliver(routingKey, body);
        } catch (OwnershipUnavailableException e) {
            LOG.warn("events-fanout: device ownership unavailable ({}); event {} not delivered", e.getCause().toString(), routingKey);
        }
    }

    /**
     * Checks a WebSocket text message as a device command. Sets {@link #FORWARD} true (body = MQTT
     * payload, only header = the topic) for an owner's valid command; otherwise answers the socket
     * with an error frame and sets it false. Every incoming header is removed either way.
     */
    public void command(final Exchange exchange) {
        final Message in = exchange.getMessage();
        final String subject = exchange.getProperty(WS_SUBJECT, String.class);
        final String connectionKey = exchange.getProperty(WS_CONNECTION_KEY, String.class);
        final String text = in.getBody(String.class);
        in.removeHeaders("*");
        exchange.setProperty(FORWARD, false);
        exchange.setProperty(NOT_A_COMMAND, false);
        if (subject == null || connectionKey == null) {
            LOG.warn("events-fanout: a command without an authenticated socket was ignored");
            return;
        }
        if (!DeviceCommand.looksLikeCommand(text)) {
            exchange.setProperty(NOT_A_COMMAND, true);
            return;
        }
        final DeviceCommand command;
        try {
            command = DeviceCommand.parse(text);
        } catch (IllegalArgumentException e) {
            reply(connectionKey, Envelope.error(400, "Bad Request", e.getMessage(), null));
            return;
        }
        final boolean owner;
        try {
            owner = ownership().owns(subject, command.deviceId());
        } catch (RuntimeException e) {
            LOG.warn("events-fanout: device ownership unavailable: {}", e.toString());
            reply(connectionKey, Envelope.error(503, "Service Unavailable", "device ownership cannot be checked right now; retry shortly", command.deviceId()));
            return;
        }
        if (!owner) {
            reply(connectionKey, Envelope.error(403, "Forbidden", "you do not own this device", command.deviceId()));
            return;
        }
        in.setBody(command.payload());
        in.setHeader(MQTT_OVERRIDE_TOPIC, command.topic());
        exchange.setProperty(DEVICE_ID, command.deviceId());
        exchange.setProperty(FORWARD, true);
    }

    /** Tells the socket its command was handed to the MQTT broker (QoS 1 acknowledged). */
    public void commandSent(final Exchange exchange) {
        final String connectionKey = exchange.getProperty(WS_CONNECTION_KEY, String.class);
        final String deviceId = exchange.getProperty(DEVICE_ID, String.class);
        if (connectionKey != null && deviceId != null) {
            reply(connectionKey, Envelope.commandAccepted(deviceId, "devices/" + deviceId + "/commands"));
        }
    }

    /** Tells the socket its command could not be published (MQTT broker unreachable). */
    public void commandFailed(final Exchange exchange) {
        final String connectionKey = exchange.getProperty(WS_CONNECTION_KEY, String.class);
        if (connectionKey != null) {
            reply(connectionKey, Envelope.error(503, "Service Unavailable", "the device broker is unreachable; retry shortly",
                    exchange.getProperty(DEVICE_ID, String.class)));
        }
    }

    /**
     * Maps a device state message from MQTT to its AMQP routing key. Sets {@link #FORWARD}; the only
     * header left is the routing key (MQTT properties never leak into AMQP headers).
     */
    public void bridgeState(final Exchange exchange) {
        final Message in = exchange.getMessage();
        final Optional<String> key = DeviceTopics.stateRoutingKey(in.getHeader(MQTT_TOPIC, String.class));
        final byte[] body = in.getBody(byte[].class);
        in.removeHeaders("*");
        exchange.setProperty(FORWARD, key.isPresent());
        if (key.isPresent()) {
            in.setHeader(ROUTING_OVERRIDE_KEY, key.get());
            in.setBody(body == null ? new byte[0] : body);
        }
    }

    /** Drops the buffers of closed sockets (called periodically). */
    public int sweep() {
        return fanout == null ? 0 : fanout.sweep();
    }

    public FanoutStats stats() {
        return fanout().stats();
    }

    /** For tests and the benchmark: the connection keys currently indexed for {@code subject}. */
    public Set<String> connectionsOf(final String subject) {
        return requireSockets().connectionsOf(subject);
    }

    /**
     * Sends a frame to the socket that sent the message being answered. Its OPEN may not have been processed yet
     * (vertx-websocket runs a socket's events unordered): the frame then waits for it.
     */
    private void reply(final String connectionKey, final String frame) {
        if (!fanout().send(connectionKey, frame)) {
            requireSockets().opened(connectionKey).thenAccept(opened -> fanout().send(connectionKey, frame));
        }
    }

    EventsFanout fanout() {
        EventsFanout f = fanout;
        if (f == null) {
            synchronized (this) {
                f = fanout;
                if (f == null) {
                    final SocketRegistry registry = requireSockets();
                    f = new EventsFanout(connections(registry), this::ownersOf, key -> sink(registry, key), bufferSize, inFlight,
                            SlowClientPolicy.parse(slowClientPolicy), Clock.systemUTC());
                    fanout = f;
                    LOG.info("events-fanout: delivering to the sockets of {} (buffer {} events, {} in flight, slow clients: {})",
                            registry.getClass().getSimpleName(), bufferSize, inFlight, slowClientPolicy);
                }
            }
        }
        return f;
    }

    private FrameSink sink(final SocketRegistry registry, final String connectionKey) {
        final SocketRegistry.LiveSocket live = registry.socket(connectionKey);
        if (live == null) {
            return null;
        }
        return new VertxFrameSink(live.socket(), live.eventLoop(), live.eventLoopThread());
    }

    private Set<String> ownersOf(final String deviceId) {
        try {
            return ownership().ownersOf(deviceId);
        } catch (RuntimeException e) {
            throw new OwnershipUnavailableException(e);
        }
    }

    /** The fan-out's view of the registry. */
    private static Connections connections(final SocketRegistry registry) {
        return new Connections() {
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
        };
    }

    private SocketRegistry requireSockets() {
        if (sockets == null) {
            throw new IllegalStateException("events-fanout needs its 'sockets' (an io.caravan.common.SocketRegistry bean, e.g. #bean:wsTicketConnections)");
        }
        return sockets;
    }

    private DeviceOwnership ownership() {
        if (ownership == null) {
            throw new IllegalStateException("events-fanout needs its 'ownership' (an io.caravan.common.DeviceOwnership bean, e.g. #bean:mqttAclRegistry)");
        }
        return ownership;
    }

    /** The socket registry of the flow that accepts the WebSockets (YAML: {@code sockets: "#bean:wsTicketConnections"}). */
    public void setSockets(final SocketRegistry sockets) {
        this.sockets = sockets;
    }

    /** Who owns which device (YAML: {@code ownership: "#bean:mqttAclRegistry"}). */
    public void setOwnership(final DeviceOwnership ownership) {
        this.ownership = ownership;
    }

    public void setBufferSize(final int bufferSize) {
        this.bufferSize = bufferSize;
    }

    public void setInFlight(final int inFlight) {
        this.inFlight = inFlight;
    }

    public void setSlowClientPolicy(final String slowClientPolicy) {
        SlowClientPolicy.parse(slowClientPolicy);
        this.slowClientPolicy = slowClientPolicy;
    }

    /** The device registry could not answer: the event is not delivered (callers fail closed). */
    static final class OwnershipUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OwnershipUnavailableException(final Throwable cause) {
            super(cause);
        }
    }
}
