package io.caravan.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issue 19 item 3, proof on the runtime: each flow as Camel K 2.10.1's plain-quarkus provider would build
 * it from camel-k/&lt;flow&gt;/&lt;flow&gt;.yaml ({@link QuarkusFlowApps}: Quarkus Platform 3.31.3 BOMs = Camel
 * Quarkus 3.31.0 = Camel 4.17.0, exactly the manifest's dependencies, the flow artifact
 * mvn:io.caravan:caravan from the local repository), started in JVM mode with the manifest's sources and
 * cluster properties ({@link QuarkusFlowRun}), brokers and issuer overridden to the test's real ones on
 * loopback, and checked end to end over HTTP.
 *
 * <p>Off by default (a Quarkus build per flow): {@code -Dcaravan.quarkus=true}, flows chosen with
 * {@code -Dcaravan.quarkus.flows=status,oauth2} (default all). {@code src/test/quarkus/run.sh} runs it.
 * Needs the flow artifact installed first ({@code mvn -B -q -o install -DskipTests}).
 */
@Tag("quarkus")
@EnabledIfSystemProperty(named = "caravan.quarkus", matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CamelQuarkusRuntimeTest {

    private static Map<String, QuarkusFlowApps.Build> builds;
    private static final Map<String, String> TIMES = new LinkedHashMap<>();

    @BeforeAll
    static void buildTheApps() {
        final String asked = System.getProperty("caravan.quarkus.flows", "");
        final List<String> flows = asked.isBlank() ? QuarkusFlowApps.FLOWS : Arrays.stream(asked.split(",")).map(String::trim).toList();
        builds = QuarkusFlowApps.buildAll(flows);
    }

    @AfterAll
    static void printTimes() {
        builds.values().forEach(b -> System.out.println("[caravan.quarkus] " + b.flow() + ": built " + (b.ok() ? "yes" : "NO")
                + " (reactor module time " + b.reactorTime() + ")" + (TIMES.containsKey(b.flow()) ? "; " + TIMES.get(b.flow()) : "")));
    }

    private static QuarkusFlowApps.Build built(final String flow) {
        final QuarkusFlowApps.Build b = builds.get(flow);
        assumeTrue(b != null, flow + " not asked for (caravan.quarkus.flows)");
        assertThat(b.ok()).as("the Quarkus build of " + flow + " failed (" + QuarkusFlowApps.root().resolve("build.log") + "):\n"
                + b.logExcerpt()).isTrue();
        return b;
    }

    private static QuarkusFlowRun start(final QuarkusFlowApps.Build b, final Map<String, Map<String, String>> secrets,
            final Map<String, String> overrides) throws Exception {
        final long t0 = System.nanoTime();
        final QuarkusFlowRun run = QuarkusFlowRun.start(b, secrets, overrides);
        TIMES.merge(b.flow(), "started in " + (System.nanoTime() - t0) / 1_000_000 + " ms", (a, c) -> a + "; " + c);
        final String log = run.log();
        assertThat(log).as("Camel Quarkus 3.31.0 on Camel 4.17.0").contains("Apache Camel 4.17.0");
        return run;
    }

    @Test
    @Order(1)
    void status() throws Exception {
        final QuarkusFlowApps.Build b = built("status");
        try (QuarkusFlowRun app = start(b, Map.of(), Map.of())) {
            final HttpResponse<String> status = HttpTestClient.get(app.url("/api/status"));
            assertThat(status.statusCode()).as(app.tail()).isEqualTo(200);
            assertThat(status.body()).contains("\"status-describe\":\"Started\"", "\"camelVersion\":\"4.17.0\"");

            final HttpResponse<String> openApi = HttpTestClient.get(app.url("/api/openapi.json"));
            assertThat(openApi.statusCode()).as(app.tail()).isEqualTo(200);
            assertThat(openApi.body()).contains("\"openapi\" : \"3.", "\"/api/status\"");

            // what the health and prometheus traits probe and scrape
            final HttpResponse<String> ready = HttpTestClient.get(app.url("/q/health/ready"));
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(HttpTestClient.get(app.url("/q/metrics")).statusCode()).isEqualTo(200);
            TIMES.merge("status", "checks passed", (a, c) -> a + "; " + c);
        }
    }

    @Test
    @Order(2)
    void oauth2() throws Exception {
        final QuarkusFlowApps.Build b = built("oauth2");
        final RealBrokers brokers = RealBrokers.get();
        try (QuarkusFlowRun app = start(b, Map.of(), Map.of("oauth2.issuer.caravan.uri", brokers.oidcIssuer()))) {
            final String url = app.url("/api/whoami");
            final HttpResponse<String> anonymous = HttpTestClient.get(url);
            assertThat(anonymous.statusCode()).as(app.tail()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"caravan\"");

            final String token = clientCredentials(brokers.oidcIssuer(), "caravan-reader");
            final HttpResponse<String> ok = HttpTestClient.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + token).GET().build());
            assertThat(ok.statusCode()).as(ok.body() + "\n" + app.tail()).isEqualTo(200);
            assertThat(ok.body()).contains("\"subject\":\"caravan-reader\"", "\"issuer\":\"" + brokers.oidcIssuer() + "\"", "\"whoami\"");

            final HttpResponse<String> forged = HttpTestClient.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + token.substring(0, token.length() - 4) + "AAAA").GET().build());
            assertThat(forged.statusCode()).isEqualTo(401);

            final HttpResponse<String> openApi = HttpTestClient.get(app.url("/api/openapi.json"));
            assertThat(openApi.statusCode()).as(app.tail()).isEqualTo(200);
            assertThat(openApi.body()).contains("\"/api/whoami\"");
            assertThat(app.log()).doesNotContain(token);
            TIMES.merge("oauth2", "checks passed", (a, c) -> a + "; " + c);
        }
    }

    @Test
    @Order(3)
    void wsTicket() throws Exception {
        final QuarkusFlowApps.Build b = built("ws-ticket");
        final RealBrokers brokers = RealBrokers.get();
        // The manifest serves /ws/events on its own port (8091). camel-quarkus-vertx-websocket only serves on Quarkus's
        // HTTP server ("Invalid host/port ... can only be configured as <quarkus.http.host:port>"), so that fails here;
        // -Dcaravan.quarkus.ws-on-http-port=true checks the rest of the flow with /ws/events on the HTTP port.
        final boolean onHttpPort = Boolean.getBoolean("caravan.quarkus.ws-on-http-port");
        final int wsPort = FreePorts.next();
        final Map<String, Map<String, String>> secrets = Map.of("ws-ticket-secrets", Map.of("ws-ticket.redis.password", ""));
        final Map<String, String> overrides = Map.of("oauth2.issuer.caravan.uri", brokers.oidcIssuer(),
                "ws-ticket.redis.host", brokers.host(), "ws-ticket.redis.port", String.valueOf(brokers.redisPort()),
                "ws-ticket.ws.host", "127.0.0.1", "ws-ticket.ws.port", onHttpPort ? "@HTTP_PORT@" : String.valueOf(wsPort));
        try (QuarkusFlowRun app = start(b, secrets, overrides)) {
            final int socketPort = onHttpPort ? app.port() : wsPort;
            final String url = app.url("/api/ws-tickets");
            assertThat(HttpTestClient.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build())
                    .statusCode()).as(app.tail()).isEqualTo(401);
            final String token = clientCredentials(brokers.oidcIssuer(), "caravan-admin");
            final HttpResponse<String> issued = HttpTestClient.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(issued.statusCode()).as(issued.body() + "\n" + app.tail()).isEqualTo(201);
            final Map<String, Object> body = JSONObjectUtils.parse(issued.body());
            final String ticket = JSONObjectUtils.getString(body, "ticket");
            // the cluster's public URL (camel-k/ws-ticket/ws-ticket.properties), not the listener's
            assertThat(JSONObjectUtils.getString(body, "url")).isEqualTo("wss://caravan.example.com/ws/events");

            // a WebSocket delivery: the handshake redeems the ticket (in Redis), the socket answers "whoami"
            final java.util.concurrent.BlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
            final java.net.http.WebSocket ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + socketPort + "/ws/events?ticket=" + ticket), new java.net.http.WebSocket.Listener() {
                        @Override
                        public java.util.concurrent.CompletionStage<?> onText(final java.net.http.WebSocket w, final CharSequence data, final boolean last) {
                            received.add(data.toString());
                            w.request(1);
                            return null;
                        }
                    }).get(20, java.util.concurrent.TimeUnit.SECONDS);
            try {
                ws.sendText("whoami", true).get(10, java.util.concurrent.TimeUnit.SECONDS);
                final String reply = received.poll(20, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(reply).as(app.tail()).isNotNull().contains("\"subject\":\"caravan-admin\"");
            } finally {
                ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done");
            }
            // the ticket was single-use: a second handshake with it is refused
            final java.util.concurrent.CompletableFuture<java.net.http.WebSocket> replay = java.net.http.HttpClient.newHttpClient()
                    .newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + socketPort + "/ws/events?ticket=" + ticket),
                            new java.net.http.WebSocket.Listener() { });
            assertThat(replay).failsWithin(Duration.ofSeconds(20));
            assertThat(app.log()).doesNotContain(ticket).doesNotContain(token);
            TIMES.merge("ws-ticket", "checks passed", (a, c) -> a + "; " + c);
        }
    }

    @Test
    @Order(4)
    void mqttAcl() throws Exception {
        final QuarkusFlowApps.Build b = built("mqtt-acl");
        final RealBrokers brokers = RealBrokers.get();
        final int callbackPort = FreePorts.next();
        final String redis = "redis://" + brokers.host() + ":" + brokers.redisPort();
        // the Secret as camel-k/mqtt-acl/mqtt-acl-secrets.example.yaml shapes it (test values)
        final Map<String, Map<String, String>> secrets = Map.of("mqtt-acl-secrets", Map.of("mqtt-acl.redis.uri", redis,
                "mqtt-acl.superusers", "root:" + io.caravan.mqttacl.Secrets.hashPassword("rootpw", 1000)));
        final Map<String, String> overrides = Map.of("oauth2.issuer.caravan.uri", brokers.oidcIssuer(),
                "mqtt-acl.http.host", "127.0.0.1", "mqtt-acl.http.port", String.valueOf(callbackPort));
        try (QuarkusFlowRun app = start(b, secrets, overrides)) {
            // Mosquitto's legacy auth plugin calling back: a superuser's password checked, a wrong one refused
            assertThat(callback(callbackPort, "/auth", "root", "rootpw").statusCode()).as(app.tail()).isEqualTo(200);
            assertThat(callback(callbackPort, "/auth", "root", "nope").statusCode()).isEqualTo(403);
            assertThat(callback(callbackPort, "/auth", "nobody", "x").statusCode()).isEqualTo(403);
            // the admin API on the HTTP port, behind the oauth2 policy
            final String devices = app.url("/api/devices?owner=jo");
            assertThat(HttpTestClient.get(devices).statusCode()).isEqualTo(401);
            final String admin = clientCredentials(brokers.oidcIssuer(), "ops", "devices:admin");
            final HttpResponse<String> listed = HttpTestClient.send(HttpRequest.newBuilder(URI.create(devices)).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + admin).GET().build());
            assertThat(listed.statusCode()).as(listed.body() + "\n" + app.tail()).isEqualTo(200);
            assertThat(app.log()).doesNotContain("rootpw");
            TIMES.merge("mqtt-acl", "checks passed", (a, c) -> a + "; " + c);
        }
    }

    private static HttpResponse<String> callback(final int port, final String path, final String user, final String password) {
        final String basic = java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return HttpTestClient.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                        + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&topic=&acc=-1&clientid="))
                .build());
    }

    @Test
    @Order(5)
    void tsMulticast() throws Exception {
        final QuarkusFlowApps.Build b = built("ts-multicast");
        final RealBrokers brokers = RealBrokers.get();
        // no channel is started here (autostart=false): tsMulticastStreamsInsideANetworkNamespace checks the stream
        final Map<String, String> overrides = Map.of("oauth2.issuer.caravan.uri", brokers.oidcIssuer(),
                "ts-multicast.default.interface", "lo");
        try (QuarkusFlowRun app = start(b, Map.of(), overrides)) {
            final String channels = app.url("/api/ts-multicast/channels");
            assertThat(HttpTestClient.get(channels).statusCode()).as(app.tail()).isEqualTo(401);
            final String admin = clientCredentials(brokers.oidcIssuer(), "caravan-admin");
            final HttpResponse<String> list = HttpTestClient.send(HttpRequest.newBuilder(URI.create(channels)).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + admin).GET().build());
            assertThat(list.statusCode()).as(list.body() + "\n" + app.tail()).isEqualTo(200);
            assertThat(list.body()).contains("\"id\":\"demo\"", "\"state\":\"stopped\"");
            final HttpResponse<String> stop = HttpTestClient.send(HttpRequest.newBuilder(URI.create(channels + "/demo/stop"))
                    .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + admin).POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
            final HttpResponse<String> unknown = HttpTestClient.send(HttpRequest.newBuilder(URI.create(channels + "/nope/start"))
                    .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + admin).POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
            assertThat(HttpTestClient.get(app.url("/api/openapi.json")).body()).contains("/api/ts-multicast/channels");
            TIMES.merge("ts-multicast", "control API checks passed", (a, c) -> a + "; " + c);
        }
    }

    /**
     * A multicast stream, ONLY inside a private network namespace (unshare --net; src/test/quarkus/multicast-in-netns.sh):
     * the channel autostarts from an HLS playlist ffmpeg makes here and its datagrams are received on lo there.
     */
    @Test
    @Order(5)
    void tsMulticastStreamsInsideANetworkNamespace() throws Exception {
        final QuarkusFlowApps.Build b = built("ts-multicast");
        final java.nio.file.Path media = java.nio.file.Files.createDirectories(b.dir().resolve("media"));
        final Process ffmpeg = new ProcessBuilder("ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440", "-t", "6", "-c:v", "libx264", "-g", "25", "-c:a", "aac", "-f", "hls",
                "-hls_time", "2", "-hls_list_size", "0", media.resolve("index.m3u8").toString()).redirectErrorStream(true).start();
        final String ffOut = new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ffmpeg.waitFor()).as(ffOut).isZero();
        final Map<String, String> overrides = Map.of("oauth2.issuer.caravan.uri", "http://127.0.0.1:9/caravan",
                "ts-multicast.default.interface", "lo", "ts-multicast.default.autostart", "true",
                "ts-multicast.channel.demo.source", media.resolve("index.m3u8").toString());
        final QuarkusFlowRun.Launch launch = QuarkusFlowRun.prepare(b, Map.of(), overrides);
        final java.nio.file.Path log = b.dir().resolve("netns-run.log");
        final List<String> cmd = new java.util.ArrayList<>(List.of("unshare", "--net", "bash",
                ProjectDir.resolve("src/test/quarkus/multicast-in-netns.sh").toString(), log.toString(), "239.10.0.1", "5000", "4", "--"));
        cmd.addAll(launch.command());
        final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(launch.env());
        final long t0 = System.nanoTime();
        final Process ns = pb.start();
        final String out = new String(ns.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ns.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        final String appLog = java.nio.file.Files.exists(log) ? java.nio.file.Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
        final java.util.regex.Matcher counted = java.util.regex.Pattern.compile("datagrams=(\\d+) bytes=(\\d+) ts-packets=(\\d+)").matcher(out);
        assertThat(counted.find()).as(out + "\n" + appLog).isTrue();
        assertThat(Long.parseLong(counted.group(1))).as(out + "\n" + appLog).isPositive();
        assertThat(Long.parseLong(counted.group(3))).as("MPEG-TS packets (sync byte 0x47) in the datagrams").isPositive();
        TIMES.merge("ts-multicast", "multicast in a namespace: " + counted.group(0) + " in 4 s (namespace run "
                + (System.nanoTime() - t0) / 1_000_000 + " ms)", (a, c) -> a + "; " + c);
    }

    @Test
    @Order(6)
    void firmwarePublish() throws Exception {
        final QuarkusFlowApps.Build b = built("firmware-publish");
        final RealBrokers brokers = RealBrokers.get();
        // short: gpg-agent's socket path in <base>/state/gnupg must stay under 107 bytes
        final java.nio.file.Path work = java.nio.file.Files.createTempDirectory("cq-fp-");
        final Map<String, Map<String, String>> secrets = Map.of("firmware-publish-secrets", Map.of(
                "camel.beans.firmwarePublishRabbit.username", "guest", "camel.beans.firmwarePublishRabbit.password", "guest",
                "camel.component.paho-mqtt5.user-name", "caravan-firmware", "camel.component.paho-mqtt5.password", "unused-by-the-test-broker"));
        final Map<String, String> overrides = new LinkedHashMap<>(Map.of("oauth2.issuer.caravan.uri", brokers.oidcIssuer(),
                "firmware-publish.dir.base", work.resolve("data").toString(),
                "camel.component.paho-mqtt5.broker-url", brokers.mqttUrl(),
                "camel.beans.firmwarePublishRabbit.host", brokers.host(),
                "camel.beans.firmwarePublishRabbit.port", String.valueOf(brokers.amqpPort()),
                // the Secret firmware-publish-signing-key is not laid out here: the flow makes its own key
                "firmware-publish.gpg.secret-key-file", ""));
        try (QuarkusFlowRun app = start(b, secrets, overrides)) {
            final java.nio.file.Path deb = deb(work, "fw-quarkus", "0.9.1");
            final HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(app.url("/api/firmware"))).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofFile(deb));
            assertThat(HttpTestClient.send(post.build()).statusCode()).as(app.tail()).isEqualTo(401);

            final java.util.List<org.eclipse.paho.mqttv5.common.MqttMessage> received = new java.util.concurrent.CopyOnWriteArrayList<>();
            final org.eclipse.paho.mqttv5.client.MqttClient device = new org.eclipse.paho.mqttv5.client.MqttClient(brokers.mqttUrl(),
                    "fw-quarkus-" + System.nanoTime(), new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            try {
                final HttpResponse<String> created = HttpTestClient.send(post.header("Authorization", "Bearer "
                        + clientCredentials(brokers.oidcIssuer(), "caravan-admin")).build());
                assertThat(created.statusCode()).as(created.body() + "\n" + app.tail()).isEqualTo(201);
                assertThat(created.body()).contains("\"url\":\"https://firmware.caravan.example.com/apt/pool/main/f/fw-quarkus/fw-quarkus_0.9.1_amd64.deb\"");
                assertThat(HttpTestClient.get(app.url("/apt/caravan-firmware.gpg")).statusCode()).isEqualTo(200);
                assertThat(HttpTestClient.get(app.url("/apt/dists/stable/InRelease")).statusCode()).isEqualTo(200);

                // the publish: a retained MQTT 5 notification on firmware/<package>
                device.connect();
                device.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                    new org.eclipse.paho.mqttv5.common.MqttSubscription("firmware/fw-quarkus", 1)},
                        new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, message) -> received.add(message)})
                        .waitForCompletion(10_000);
                org.awaitility.Awaitility.await("retained notification").atMost(Duration.ofSeconds(30)).until(() -> !received.isEmpty());
            } finally {
                if (device.isConnected()) {
                    device.disconnect();
                }
                device.close();
            }
            assertThat(new String(received.get(0).getPayload(), StandardCharsets.UTF_8)).contains("\"package\":\"fw-quarkus\"");
            assertThat(app.log()).doesNotContain("notification firmware-publish-notify-amqp failed");
            TIMES.merge("firmware-publish", "checks passed", (a, c) -> a + "; " + c);
        } finally {
            // the flow's gpg-agent outlives the JVM: stop this test's one
            new ProcessBuilder("gpgconf", "--homedir", work.resolve("data/state/gnupg").toString(), "--kill", "gpg-agent")
                    .start().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            try (var walk = java.nio.file.Files.walk(work)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** A minimal .deb (gzip members: the default Camel K base image has no zstd) built with dpkg-deb. */
    private static java.nio.file.Path deb(final java.nio.file.Path work, final String name, final String version) throws Exception {
        final java.nio.file.Path root = java.nio.file.Files.createDirectories(work.resolve("pkg/DEBIAN"));
        java.nio.file.Files.writeString(root.resolve("control"), "Package: " + name + "\nVersion: " + version
                + "\nArchitecture: amd64\nMaintainer: Caravan <fw@caravan.example.com>\nDescription: harness firmware\n");
        java.nio.file.Files.createDirectories(work.resolve("pkg/opt/" + name));
        java.nio.file.Files.writeString(work.resolve("pkg/opt/" + name + "/firmware.bin"), "x".repeat(2000));
        final java.nio.file.Path deb = work.resolve(name + "_" + version + "_amd64.deb");
        final Process p = new ProcessBuilder("dpkg-deb", "--root-owner-group", "-Zgzip", "--build", work.resolve("pkg").toString(), deb.toString())
                .redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return deb;
    }

    @Test
    @Order(7)
    void eventsFanout() throws Exception {
        final QuarkusFlowApps.Build b = built("events-fanout");
        final RealBrokers brokers = RealBrokers.get();
        // as in wsTicket: the manifest's /ws/events port (8091) cannot be served by camel-quarkus-vertx-websocket
        final boolean onHttpPort = Boolean.getBoolean("caravan.quarkus.ws-on-http-port");
        final int wsPort = FreePorts.next();
        final String redis = "redis://" + brokers.host() + ":" + brokers.redisPort();
        final Map<String, Map<String, String>> secrets = Map.of("events-fanout-secrets", Map.of(
                "events-fanout.rabbitmq.username", "guest", "events-fanout.rabbitmq.password", "guest",
                "ws-ticket.redis.password", "", "mqtt-acl.redis.uri", redis,
                "mqtt-acl.superusers", "root:" + io.caravan.mqttacl.Secrets.hashPassword("rootpw", 1000),
                "camel.component.paho-mqtt5.user-name", "caravan-events", "camel.component.paho-mqtt5.password", "unused-by-the-test-broker"));
        final Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("oauth2.issuer.caravan.uri", brokers.oidcIssuer());
        overrides.put("ws-ticket.redis.host", brokers.host());
        overrides.put("ws-ticket.redis.port", String.valueOf(brokers.redisPort()));
        overrides.put("ws-ticket.ws.host", "127.0.0.1");
        overrides.put("ws-ticket.ws.port", onHttpPort ? "@HTTP_PORT@" : String.valueOf(wsPort));
        overrides.put("mqtt-acl.http.host", "127.0.0.1");
        overrides.put("mqtt-acl.http.port", String.valueOf(FreePorts.next()));
        overrides.put("events-fanout.rabbitmq.host", brokers.host());
        overrides.put("events-fanout.rabbitmq.port", String.valueOf(brokers.amqpPort()));
        overrides.put("events-fanout.mqtt.broker-url", brokers.mqttUrl());
        try (QuarkusFlowRun app = start(b, secrets, overrides)) {
            final int socketPort = onHttpPort ? app.port() : wsPort;
            final String token = clientCredentials(brokers.oidcIssuer(), "caravan-admin");
            final HttpResponse<String> issued = HttpTestClient.send(HttpRequest.newBuilder(URI.create(app.url("/api/ws-tickets")))
                    .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(issued.statusCode()).as(issued.body() + "\n" + app.tail()).isEqualTo(201);
            final String ticket = JSONObjectUtils.getString(JSONObjectUtils.parse(issued.body()), "ticket");
            final java.util.concurrent.BlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
            final java.net.http.WebSocket ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + socketPort + "/ws/events?ticket=" + ticket), new java.net.http.WebSocket.Listener() {
                        @Override
                        public java.util.concurrent.CompletionStage<?> onText(final java.net.http.WebSocket w, final CharSequence data, final boolean last) {
                            received.add(data.toString());
                            w.request(1);
                            return null;
                        }
                    }).get(20, java.util.concurrent.TimeUnit.SECONDS);
            final com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
            factory.setHost(brokers.host());
            factory.setPort(brokers.amqpPort());
            try (com.rabbitmq.client.Connection connection = factory.newConnection("cq-events-fanout");
                    com.rabbitmq.client.Channel channel = connection.createChannel()) {
                // a broadcast event on the exchange reaches the socket (the queue is bound once the route runs: retry)
                org.awaitility.Awaitility.await("a broadcast delivered over the WebSocket").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(500)).until(() -> {
                            channel.basicPublish("caravan.events", "broadcast.harness", new com.rabbitmq.client.AMQP.BasicProperties.Builder()
                                    .contentType("application/json").build(), "\"cq-hello\"".getBytes(StandardCharsets.UTF_8));
                            final String m = received.poll(400, java.util.concurrent.TimeUnit.MILLISECONDS);
                            return m != null && m.contains("cq-hello");
                        });
            } finally {
                ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done");
            }
            assertThat(app.log()).doesNotContain(ticket).doesNotContain(token);
            TIMES.merge("events-fanout", "checks passed", (a, c) -> a + "; " + c);
        }
    }

    /** A client-credentials token from the real dev issuer (mock-oauth2-server started by config/stack.sh). */
    static String clientCredentials(final String issuer, final String clientId) {
        return clientCredentials(issuer, clientId, null);
    }

    static String clientCredentials(final String issuer, final String clientId, final String scope) {
        final String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=dev" + (scope == null ? "" : "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
        final HttpResponse<String> response = HttpTestClient.send(HttpRequest.newBuilder(URI.create(issuer + "/token"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        try {
            return JSONObjectUtils.getString(JSONObjectUtils.parse(response.body()), "access_token");
        } catch (ParseException e) {
            throw new IllegalStateException("token endpoint answered no JSON", e);
        }
    }
}
