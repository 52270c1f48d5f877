package io.caravan.tsmulticast;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.awaitility.Awaitility;

/**
 * Runs INSIDE a private network namespace made by {@link MulticastNamespaceTest} (only {@code lo},
 * multicast on, 239.0.0.0/8 routed to lo): the flow's real YAML in a Camel context (its HTTP routes
 * left out: the control API is tested over HTTP by the Boot and JBang tests), three channels —
 * an HLS VOD, a looping single file, a playlist of bad inputs — real receivers (ffprobe and raw
 * sockets), and a JSON file of everything measured for the test to assert.
 *
 * <p>args: project dir, streams dir, output file.
 */
public final class MulticastNamespaceMain {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MulticastNamespaceMain() {
    }

    public static void main(final String[] args) throws Exception {
        final Path project = Path.of(args[0]);
        final Path streams = Path.of(args[1]);
        final Path out = Path.of(args[2]);
        final Map<String, Object> result = new LinkedHashMap<>();
        final Properties props = flowProperties(project);
        props.put("ts-multicast.channels", "vod,loop,bad,live,wrap");
        channel(props, "wrap", streams.resolve("wrap"), "239.1.1.5", 5005, false);
        final Path live = LivePlaylist.prepare(streams.resolve("vod"), out.resolveSibling("live"));
        channel(props, "live", live, "239.1.1.4", 5004, false);
        channel(props, "vod", streams.resolve("vod/index.m3u8"), "239.1.1.1", 5001, false);
        channel(props, "loop", streams.resolve("single"), "239.1.1.2", 5002, true);
        channel(props, "bad", streams.resolve("bad/index.m3u8"), "239.1.1.3", 5003, false);
        props.put("ts-multicast.channel.bad.bitrate", "400000");
        // vod goes through the Camel route (direct: -> netty producer), the others through their own Netty channel
        props.put("ts-multicast.channel.vod.output", ChannelConfig.OUTPUT_ROUTE);
        // loop starts with the application (supervised route, autostart=true); the others on request
        props.put("ts-multicast.channel.loop.autostart", "true");

        try (DefaultCamelContext camel = startFlow(project, props)) {
            final TsMulticastChannels channels = camel.getRegistry().lookupByNameAndType("tsMulticastChannels", TsMulticastChannels.class);
            Awaitility.await("channel routes").atMost(Duration.ofSeconds(20)).until(() -> camel.getRoute("ts-multicast-send-bad") != null);
            result.put("routesBeforeStart", camel.getRouteController().getRouteStatus("ts-multicast-send-vod").name());
            Awaitility.await("loop autostarted").atMost(Duration.ofSeconds(20)).until(() -> state(channels, "loop").equals("sending"));
            result.put("loopAutostarted", state(channels, "loop"));

            try (TsReceiver vod = new TsReceiver("239.1.1.1", 5001, "lo");
                    TsReceiver loop = new TsReceiver("239.1.1.2", 5002, "lo");
                    TsReceiver bad = new TsReceiver("239.1.1.3", 5003, "lo");
                    TsReceiver liveReceiver = new TsReceiver("239.1.1.4", 5004, "lo");
                    TsReceiver wrap = new TsReceiver("239.1.1.5", 5005, "lo");
                    LivePlaylist publisher = new LivePlaylist(live)) {
                final Path ffprobeOut = out.resolveSibling("ffprobe-vod.txt");
                final Process ffprobe = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
                        "-show_entries", "stream=nb_read_frames", "-of", "default=nw=1:nk=1",
                        "udp://239.1.1.1:5001?localaddr=127.0.0.1&timeout=3000000&fifo_size=100000&overrun_nonfatal=1")
                        .redirectErrorStream(true).redirectOutput(ffprobeOut.toFile()).start();
                Awaitility.await("ffprobe joined 239.1.1.1").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                        .until(() -> igmpUsers("239.1.1.1") >= 2);

                final long t0 = System.nanoTime();
                channels.control("vod", "start");
                channels.control("bad", "start");
                channels.control("live", "start");
                channels.control("wrap", "start");
                publisher.start();
                Awaitility.await("vod, bad and live finished").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(() -> state(channels, "vod").equals("finished") && state(channels, "bad").equals("finished")
                                && state(channels, "live").equals("finished") && state(channels, "wrap").equals("finished"));
                result.put("vodSeconds", (System.nanoTime() - t0) / 1e9);
                Awaitility.await("loop played 2.5 passes").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(() -> System.nanoTime() - t0 > 5_500_000_000L);
                result.put("loopWhileSending", JSON.readTree(channels.describe()).get(1).get("state").asText());
                channels.control("loop", "stop");
                Awaitility.await("receivers quiet").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> loop.quietNanos() > 300_000_000L && vod.quietNanos() > 300_000_000L);
                final boolean exited = ffprobe.waitFor(30, TimeUnit.SECONDS);
                if (!exited) {
                    ffprobe.destroyForcibly();
                }
                result.put("ffprobeOutput", Files.readString(ffprobeOut, StandardCharsets.UTF_8).trim());
                result.put("sourceFrames", TestStreams.frames(streams.resolve("vod/index.m3u8")));
                result.putAll(vod.analyse().toMap("vod."));
                result.putAll(loop.analyse().toMap("loop."));
                result.putAll(bad.analyse().toMap("bad."));
                result.putAll(liveReceiver.analyse().toMap("live."));
                result.putAll(wrap.analyse().toMap("wrap."));
            }
            result.put("channels", JSON.readTree(channels.describe()));
            result.put("loopStateAfterStop", state(channels, "loop"));
        } catch (Exception | AssertionError e) {
            result.put("failure", e.toString());
        }
        Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result), StandardCharsets.UTF_8);
        System.exit(0);
    }

    /**
     * The flow's real YAML in a plain Camel context with {@code props}, minus its platform-http
     * routes (no HTTP engine here); started.
     */
    static DefaultCamelContext startFlow(final Path project, final Properties props) throws Exception {
        final DefaultCamelContext camel = new DefaultCamelContext();
        // as in the gateway (camel.routecontroller.enabled=true): routes are supervised
        final org.apache.camel.impl.engine.DefaultSupervisingRouteController supervising =
                new org.apache.camel.impl.engine.DefaultSupervisingRouteController();
        supervising.setInitialDelay(0);
        camel.setRouteController(supervising);
        camel.getPropertiesComponent().setInitialProperties(props);
        final Path yaml = project.resolve("routes/ts-multicast/ts-multicast.camel.yaml");
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString(yaml.getFileName().toString(), Files.readString(yaml)));
        final ModelCamelContext model = camel;
        for (final RouteDefinition route : new ArrayList<>(model.getRouteDefinitions())) {
            if (route.getInput().getEndpointUri().startsWith("platform-http")) {
                model.removeRouteDefinition(route);
            }
        }
        camel.start();
        return camel;
    }

    static Properties flowProperties(final Path project) throws java.io.IOException {
        final Properties props = new Properties();
        try (var in = Files.newInputStream(project.resolve("routes/ts-multicast/application.properties"))) {
            props.load(in);
        }
        return props;
    }

    private static void channel(final Properties props, final String id, final Path source, final String group, final int port,
            final boolean loop) {
        props.put("ts-multicast.channel." + id + ".source", source.toString());
        props.put("ts-multicast.channel." + id + ".group", group);
        props.put("ts-multicast.channel." + id + ".port", String.valueOf(port));
        props.put("ts-multicast.channel." + id + ".loop", String.valueOf(loop));
    }

    static String state(final TsMulticastChannels channels, final String id) throws Exception {
        for (final JsonNode c : JSON.readTree(channels.describe())) {
            if (c.get("id").asText().equals(id)) {
                return c.get("state").asText();
            }
        }
        return "absent";
    }

    /** Sockets joined to {@code group} on any interface of this namespace (from /proc/net/igmp). */
    static int igmpUsers(final String group) throws Exception {
        final String[] o = group.split("\\.");
        final String hex = String.format("%02X%02X%02X%02X", Integer.parseInt(o[3]), Integer.parseInt(o[2]), Integer.parseInt(o[1]),
                Integer.parseInt(o[0]));
        int users = 0;
        for (final String line : Files.readAllLines(Path.of("/proc/net/igmp"))) {
            final String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals(hex)) {
                users += Integer.parseInt(f[1]);
            }
        }
        return users;
    }
}
