package io.caravan.eventsfanout;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;

import io.caravan.mqttacl.DeviceOwnership;
import io.caravan.mqttacl.RegistryUnavailableException;
import io.vertx.core.http.ServerWebSocket;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flow's one bean, wired from YAML: AMQP events in ({@link #deliver}), WebSocket commands in
 * ({@link #command}), device state bridged ({@link #bridgeState}). It finds its collaborators in the
 * Camel registry by name on first use, so the flow's YAML may be loaded in any order relative to
 * the ws-ticket (connection index) and mqtt-acl (device registry) flows it builds on.
 */
public final class FanoutService implements CamelContextAware {

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

    private CamelContext camelContext;
    private String connectionsBean = "wsTicketConnections";
    private String ownershipBean = "mqttAclRegistry";
    private String wsHost = "127.0.0.1";
    private int wsPort = 8091;
    private int bufferSize = 256;
    private int inFlight = 32;
    private String slowClientPolicy = "drop-oldest";

    private volatile EventsFanout fanout;
    private volatile DeviceOwnership ownership;

    /** Fans one consumed AMQP message out to the sockets of this instance. */
    public void deliver(final Exchange exchange) {
        final Message in = exchange.getMessage();
        final String routingKey = in.getHeader(ROUTING_KEY, String.class);
        final byte[] body = in.getBody(byte[].class);
        try {
            fanout().deliver(routingKey, body);
        } catch (RegistryUnavailableException e) {
            LOG.warn("events-fanout: device registry unavailable; event {} not delivered", routingKey);
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
            fanout().send(connectionKey, Envelope.error(400, "Bad Request", e.getMessage(), null));
            return;
        }
        final boolean owner;
        try {
            owner = ownership().owns(subject, command.deviceId());
        } catch (RegistryUnavailableException e) {
            fanout().send(connectionKey, Envelope.error(503, "Service Unavailable", "device ownership cannot be checked right now; retry shortly", command.deviceId()));
            return;
        }
        if (!owner) {
            fanout().send(connectionKey, Envelope.error(403, "Forbidden", "you do not own this device", command.deviceId()));
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
            fanout().send(connectionKey, Envelope.commandAccepted(deviceId, "devices/" + deviceId + "/commands"));
        }
    }

    /** Tells the socket its command could not be published (MQTT broker unreachable). */
    public void commandFailed(final Exchange exchange) {
        final String connectionKey = exchange.getProperty(WS_CONNECTION_KEY, String.class);
        if (connectionKey != null) {
            fanout().send(connectionKey, Envelope.error(503, "Service Unavailable", "the device broker is unreachable; retry shortly",
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
        return connections().connectionsOf(subject);
    }

    EventsFanout fanout() {
        EventsFanout f = fanout;
        if (f == null) {
            synchronized (this) {
                f = fanout;
                if (f == null) {
                    final Object registry = lookup(connectionsBean);
                    f = new EventsFanout(connections(), deviceId -> ownership().ownersOf(deviceId), key -> {
                        final ServerWebSocket socket = registry instanceof io.caravan.common.SocketRegistry r ? r.socket(key) : null;
                        return socket == null ? null : new VertxFrameSink(socket);
                    }, bufferSize, inFlight, SlowClientPolicy.parse(slowClientPolicy), Clock.systemUTC());
                    fanout = f;
                    LOG.info("events-fanout: delivering to the sockets of {}:{} (buffer {} events, {} in flight, slow clients: {})",
                            wsHost, wsPort, bufferSize, inFlight, slowClientPolicy);
                }
            }
        }
        return f;
    }

    private Connections connections() {
        final Object bean = lookup(connectionsBean);
        if (bean instanceof Connections c) {
            return c;
        }
        if (bean instanceof io.caravan.common.SocketRegistry r) {
            return new WsTicketConnections(r);
        }
        throw new IllegalStateException("bean '" + connectionsBean + "' is not a connection registry: " + bean.getClass().getName());
    }

    private DeviceOwnership ownership() {
        DeviceOwnership o = ownership;
        if (o == null) {
            final Object bean = lookup(ownershipBean);
            if (!(bean instanceof DeviceOwnership d)) {
                throw new IllegalStateException("bean '" + ownershipBean + "' is not a device registry: " + bean.getClass().getName());
            }
            o = d;
            ownership = o;
        }
        return o;
    }

    private Object lookup(final String name) {
        final Object bean = camelContext.getRegistry().lookupByName(name);
        if (bean == null) {
            throw new IllegalStateException("events-fanout needs bean '" + name + "' (load the flow that defines it)");
        }
        return bean;
    }

    @Override
    public void setCamelContext(final CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    public void setConnectionsBean(final String connectionsBean) {
        this.connectionsBean = connectionsBean;
    }

    public void setOwnershipBean(final String ownershipBean) {
        this.ownershipBean = ownershipBean;
    }

    public void setWsHost(final String wsHost) {
        this.wsHost = wsHost;
    }

    public void setWsPort(final int wsPort) {
        this.wsPort = wsPort;
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
}
