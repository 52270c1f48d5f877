package io.caravan.tsmulticast;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.common.Problem;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channels of the flow: reads them from {@code ts-multicast.channels} and
 * {@code ts-multicast.channel.<id>.*}, makes one route per channel from the route template
 * {@code ts-multicast-channel} (route id {@code ts-multicast-send-<id>}), and, as that template's
 * route policy, runs the channel's {@link ChannelSender} exactly while its route is started. The
 * control API lists channels with live stats and starts/stops their routes. Plain Java (no Spring):
 * declared in the flow's YAML {@code beans:}.
 */
public final class TsMulticastChannels extends RoutePolicySupport implements CamelContextAware {

    public static final String TEMPLATE = "ts-multicast-channel";
    public static final String ROUTE_PREFIX = "ts-multicast-send-";
    private static final Logger LOG = LoggerFactory.getLogger(TsMulticastChannels.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KEYS = List.of("source", "group", "port", "ttl", "interface", "loop", "bitrate", "autostart", "output");

    private final Map<String, Channel> channels = new LinkedHashMap<>();
    private final Map<String, String> invalid = new LinkedHashMap<>();
    private CamelContext camelContext;
    private boolean booted;

    private static final class Channel {
        final ChannelConfig config;
        final ChannelStats stats = new ChannelStats();
        ChannelSender sender;
        Producer producer;
        NettyChannelSink owned;

        Channel(final ChannelConfig config) {
            this.config = config;
        }
    }

    @Override
    public void setCamelContext(final CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** Creates the channels' routes from the template (once; called by the flow's boot route). */
    public synchronized String boot() throws Exception {
        if (booted) {
            return describe();
        }
        booted = true;
        final String list = property("ts-multicast.channels").orElse("");
        for (final String raw : list.split(",")) {
            final String id = raw.trim();
            if (id.isEmpty()) {
                continue;
            }
            final ChannelConfig config;
            try {
                config = ChannelConfig.from(id, channelProperties(id));
            } catch (IllegalArgumentException e) {
                invalid.put(id, e.getMessage());
                LOG.error("ts-multicast: channel {} not created: {}", id, e.getMessage());
                continue;
            }
            channels.put(id, new Channel(config));
            TemplatedRouteBuilder.builder(camelContext, TEMPLATE)
                    .routeId(ROUTE_PREFIX + id)
                    .parameter("channel", id)
                    .parameter("group", config.group())
                    .parameter("port", String.valueOf(config.port()))
                    .parameter("ttl", String.valueOf(config.ttl()))
                    .parameter("interface", config.iface())
                    .parameter("autostart", String.valueOf(config.autostart()))
                    .add();
            // a supervising route controller (the gateway's) does not start routes added after startup
            final ServiceStatus status = camelContext.getRouteController().getRouteStatus(ROUTE_PREFIX + id);
            if (config.autostart() && (status == null || !status.isStarted())) {
                camelContext.getRouteController().startRoute(ROUTE_PREFIX + id);
            }
            LOG.info("ts-multicast: channel {} ready ({} → {}:{}, autostart {})", id, config.source(), config.group(), config.port(),
                    config.autostart());
        }
        return describe();
    }

    /** Route policy: the channel's route started → its sender starts. */
    @Override
    public void onStart(final Route route) {
        final Channel channel = channelOf(route);
        if (channel != null) {
            startSender(channel);
        }
    }

    /** Route policy: the channel's route stops or goes away → its sender stops. */
    @Override
    public void onStop(final Route route) {
        final Channel channel = channelOf(route);
        if (channel != null) {
            stopSender(channel);
        }
    }

    @Override
    public void onSuspend(final Route route) {
        onStop(route);
    }

    @Override
    public void onResume(final Route route) {
        onStart(route);
    }

    @Override
    public void onRemove(final Route route) {
        onStop(route);
    }

    /** JSON array of every channel with its configuration, state and live stats. */
    public synchronized String describe() throws JsonProcessingException {
        final List<Map<String, Object>> out = new ArrayList<>();
        for (final Channel c : channels.values()) {
            out.add(view(c));
        }
        for (final Map.Entry<String, String> e : invalid.entrySet()) {
            out.add(Map.of("id", e.getKey(), "state", "invalid", "error", e.getValue()));
        }
        return JSON.writeValueAsString(out);
    }

    /** The control API: {@code action} is start or stop; answers the channel's JSON. */
    public String control(final String id, final String action) throws Exception {
        return switch (action == null ? "" : action) {
            case "start" -> start(id);
            case "stop" -> stop(id);
            default -> throw new IllegalArgumentException("action must be start or stop, was '" + action + "'");
        };
    }

    /** Starts the channel (plays a finished, non-looping channel again); answers its JSON. */
    public String start(final String id) throws Exception {
        final Channel channel = channel(id);
        final ServiceStatus status = camelContext.getRouteController().getRouteStatus(ROUTE_PREFIX + id);
        if (status != null && status.isStarted()) {
            startSender(channel); // a finished (non-looping) channel plays again
        } else {
            camelContext.getRouteController().startRoute(ROUTE_PREFIX + id);
        }
        synchronized (this) {
            return JSON.writeValueAsString(view(channel));
        }
    }

    /** Stops the channel's sender and route; answers its JSON. */
    public String stop(final String id) throws Exception {
        final Channel channel = channel(id);
        stopSender(channel);
        camelContext.getRouteController().stopRoute(ROUTE_PREFIX + id);
        synchronized (this) {
            return JSON.writeValueAsString(view(channel));
        }
    }

    private synchronized Channel channel(final String id) {
        final Channel channel = channels.get(id);
        if (channel == null) {
            throw new UnknownChannelException(id);
        }
        return channel;
    }

    /** The state the list shows for one channel: sending, finished, stopped, started, ... */
    public synchronized String state(final String id) {
        final Channel channel = channels.get(id);
        if (channel == null) {
            throw new UnknownChannelException(id);
        }
        return stateOf(channel);
    }

    /** Live stats of one channel (tests and the list). */
    public synchronized ChannelStats stats(final String id) {
        final Channel channel = channels.get(id);
        if (channel == null) {
            throw new UnknownChannelException(id);
        }
        return channel.stats;
    }

    /** Error body for the flow's routeConfiguration: 404 unknown channel, 400 bad request, else 500. */
    public String problem(final Exchange exchange) {
        final Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        final Problem problem;
        if (e instanceof UnknownChannelException) {
            problem = Problem.of(404, "Not Found", e.getMessage());
        } else if (e instanceof IllegalArgumentException) {
            problem = Problem.of(400, "Bad Request", e.getMessage());
        } else {
            LOG.error("ts-multicast control failed", e);
            problem = Problem.of(500, "Internal Server Error", "channel control failed: " + (e == null ? "unknown" : e.getMessage()));
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, Problem.CONTENT_TYPE);
        return problem.toJson();
    }

    private Map<String, Object> view(final Channel c) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.config.id());
        m.put("state", stateOf(c));
        m.put("source", c.config.source());
        m.put("group", c.config.group());
        m.put("port", c.config.port());
        m.put("ttl", c.config.ttl());
        m.put("interface", c.config.iface());
        m.put("loop", c.config.loop());
        m.put("output", c.config.output());
        m.putAll(c.stats.toMap());
        return m;
    }

    private String stateOf(final Channel c) {
        final ServiceStatus status = camelContext.getRouteController().getRouteStatus(ROUTE_PREFIX + c.config.id());
        if (c.sender != null && c.sender.isFinished()) {
            return "finished";
        }
        if (c.sender != null && c.sender.isRunning()) {
            return "sending";
        }
        return status == null ? "stopped" : status.name().toLowerCase(java.util.Locale.ROOT);
    }

    private synchronized void startSender(final Channel channel) {
        if (channel.sender != null && channel.sender.isRunning()) {
            return;
        }
        stopSenderLocked(channel);
        try {
            final DatagramSink sink;
            if (ChannelConfig.OUTPUT_NETTY.equals(channel.config.output())) {
                channel.owned = new NettyChannelSink(channel.config);
                sink = channel.owned;
            } else {
                final Endpoint endpoint = camelContext.getEndpoint("direct:ts-multicast-out-" + channel.config.id());
                final Producer producer = endpoint.createProducer();
                producer.start();
                channel.producer = producer;
                sink = datagram -> {
                    final Exchange exchange = endpoint.createExchange();
                    exchange.getIn().setBody(datagram);
                    producer.process(exchange);
                    if (exchange.getException() != null) {
                        throw exchange.getException();
                    }
                };
            }
            final String routeId = ROUTE_PREFIX + channel.config.id();
            channel.sender = new ChannelSender(channel.config, channel.stats, sink, () -> {
                final ServiceStatus s = camelContext.getRouteController().getRouteStatus(routeId);
                return s != null && s.isStarted();
            });
            channel.sender.start();
        } catch (Exception e) {
            channel.stats.error("channel " + channel.config.id() + " cannot start: " + e.getMessage());
            LOG.error("ts-multicast: channel {} cannot start", channel.config.id(), e);
        }
    }

    private synchronized void stopSender(final Channel channel) {
        stopSenderLocked(channel);
    }

    private void stopSenderLocked(final Channel channel) {
        if (channel.sender != null) {
            channel.sender.stop();
        }
        if (channel.producer != null) {
            try {
                channel.producer.stop();
            } catch (Exception e) {
                LOG.debug("producer stop", e);
            }
            channel.producer = null;
        }
        if (channel.owned != null) {
            channel.owned.close();
            channel.owned = null;
        }
    }

    private synchronized Channel channelOf(final Route route) {
        final String routeId = route.getRouteId();
        return routeId.startsWith(ROUTE_PREFIX) ? channels.get(routeId.substring(ROUTE_PREFIX.length())) : null;
    }

    private Map<String, String> channelProperties(final String id) {
        final Map<String, String> props = new LinkedHashMap<>();
        for (final String key : KEYS) {
            property("ts-multicast.channel." + id + "." + key).ifPresent(v -> props.put("ts-multicast.channel." + id + "." + key, v));
            property("ts-multicast.default." + key).ifPresent(v -> props.put("ts-multicast.default." + key, v));
        }
        return props;
    }

    private Optional<String> property(final String key) {
        return camelContext.getPropertiesComponent().resolveProperty(key);
    }
}
